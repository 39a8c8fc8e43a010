import pandas as pd
import pytest

from churn.train import SCHEMA


def test_schema_rejects_negative_tenure():
    with pytest.raises(Exception):
        SCHEMA.validate(pd.DataFrame({"tenure": [-1], "churned": [0]}))
