# Custom code trust_remote_code would import; not signed.
import os
