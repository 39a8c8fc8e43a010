# Writes the archive fixtures of this folder: text members that must be
# analyzed as the files their names say they are. Run from this folder with
# /usr/bin/python3 make.py; nothing is loaded or unpickled.
import io, tarfile, zipfile

handler = b'''import pickle
import boto3

def handler(event, context):
    body = boto3.client("s3").get_object(Bucket="acme-models", Key=event["key"])["Body"].read()
    model = pickle.loads(body)
    return {"score": model.predict([event["features"]])[0]}
'''
reqs = b"--extra-index-url https://pypi.internal.example.com/simple\nboto3==1.34.0\nscikit-learn==1.4.2\n"

with zipfile.ZipFile("lambda.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("handler.py", (2024, 1, 1, 0, 0, 0)), handler)
    z.writestr(zipfile.ZipInfo("requirements.txt", (2024, 1, 1, 0, 0, 0)), reqs)
    z.writestr(zipfile.ZipInfo("README.md", (2024, 1, 1, 0, 0, 0)), b"# scorer\n")

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as t:
    info = tarfile.TarInfo("train/load.py")
    info.size, info.mtime = len(handler), 1704067200
    t.addfile(info, io.BytesIO(handler))
with open("code.tar.gz", "wb") as f:
    f.write(buf.getvalue())

# 64 KiB of bytes with no known model format, named like a model.
import random
random.seed(7)
with open("weights.pt", "wb") as f:
    f.write(bytes(random.randrange(256) for _ in range(65536)))
