"""Writes the notebook and archive fixtures of the secret analyzer (run from testdata/)."""
import json, zipfile, base64
# Fake secrets in real formats, generated with random.seed(20261130); none is live.
v={
 "hf": "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",
 "hforg": "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",
 "wandb": "b1e6d543d7202cf486ea62965174b7b0d8087fde",
 "r8": "r8_WBRDFOxEzf5FJtRBZRAJyu5BKaCKvsYFJGufE",
 "lsv2": "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",
 "openrouter": "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",
 "groq": "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",
 "mistral": "JuQ5gKeiOLS4GMtbtK4FEzkQxYISTCgu",
 "together": "tgp_v1_XPeGq0eKoNy5cQ0uyVsOYYDVJXRhovvuUvBEwJSuBVK",
 "pinecone": "pcsk_pbYeZ_jCpQrWH10dkcxaP50Aqg6hnb5tZKW8iMPqayL86nKISEgBCm2NyEN5qBHLVar1u",
 "kaggle": "f921ebae797a6124068d650e68b30791",
 "comet": "qYWMMgLpL2JOXQ8ZGpSqptA1U",
 "neptune": "eyJhcGlfYWRkcmVzcyI6Imh0dHBzOi8vYXBwLm5lcHR1bmUuYWkiLCJhcGlfdXJsIjoiaHR0cHM6Ly9hcHAubmVwdHVuZS5haSIsImFwaV9rZXkiOiI7MrfxmqU5nMQxaE3xqob1TmTsc9GjqFcf9tXprF5",
 "clearml": "AyRaiC92All9KOVkyqwGUWJRNsOIQsWCa0lwx50Cj0zUx6TT0r",
 "dapi": "dapid74adc1c5d9c114467833b3f847dbfbf",
 "akia": "AKIAAUEFXGSGA42XFK7T",
 "awssecret": "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",
 "openai": "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",
 "anthropic": "sk-ant-api03-qV_jzIAZ823NEgZAIqxHpWsgTyU4uU438NxescGbbqjhAfe0LwDuyWqX-nkYYv6RwBoaEisEw8xCNopcN-soo2s-knQKEAA",
 "ghp": "ghp_EVWuoyVXfGHuSuFKeWGyU3f2MZ7QJl3QE5CG",
 "slack": "xoxb-147560626364-0855758645512-tizDBqQwh9u318kVo7ijfRx1",
 "gitlab": "glpat-kfIO827E6Qaqphacj8Sl",
 "stripe": "sk_live_Q3RpDclRF8thETBmdvaognuz",
 "sendgrid": "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",
 "azurekey": "L9z9RXEj7DStXUyC7HVHcIVWtbgZ5lUH22HVc9NbWS5d/Hy954aQG6qsVNz/cKvrEXuiW223PSAnZ6wqZ5BuhN==",
 "pw": "Qz7sBn7cViI5!x",
 "flask": "4a9cea9e4830f96756ed50fdb82222559fec4c9a3af3fbe2"
}
pem_lines=["-----BEGIN RSA PRIVATE KEY-----\n"]+[l+"\n" for l in [
"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre"]]+["-----END RSA PRIVATE KEY-----\n"]
png=base64.b64encode(b"\x89PNG fake ").decode()+v['ghp']
nb={"cells":[
 {"cell_type":"markdown","metadata":{},"source":["# Fine-tuning\n","Set `HF_TOKEN=<your-token>` before running.\n"]},
 {"cell_type":"code","execution_count":1,"metadata":{},"outputs":[],"source":["import os\n","os.environ[\"HF_TOKEN\"] = \"%s\"\n"%v['hf']]},
 {"cell_type":"code","execution_count":2,"metadata":{},"outputs":[{"name":"stdout","output_type":"stream","text":["OPENROUTER_API_KEY=%s\n"%v['openrouter'],"REPLICATE_API_TOKEN=%s\n"%v['r8']]}],"source":["!printenv | grep -E 'API_KEY|TOKEN'"]},
 {"cell_type":"code","execution_count":3,"metadata":{},"outputs":[{"data":{"image/png":png,"text/plain":["<Figure size 640x480 with 1 Axes>"]},"metadata":{},"output_type":"display_data"}],"source":["plt.plot(losses)"]},
 {"cell_type":"code","execution_count":4,"metadata":{},"outputs":[{"data":{"text/plain":["'{\"groq\": \"%s\"}'"%v['groq']]},"execution_count":4,"metadata":{},"output_type":"execute_result"}],"source":["json.dumps(cfg)"]},
 {"cell_type":"code","execution_count":5,"metadata":{},"outputs":[],"source":["key = \"\"\"\n"]+pem_lines+["\"\"\"\n"]},
],"metadata":{"kernelspec":{"display_name":"Python 3","language":"python","name":"python3"}},"nbformat":4,"nbformat_minor":5}
s=json.dumps(nb,indent=1)+"\n"
open('notebook/train.ipynb','w').write(s)
lines=s.split("\n")
def ln(tok):
    for i,l in enumerate(lines):
        if tok in l: return i+1
    raise Exception(tok)
want=["secret/hardcoded-token line=%d severity=high message=\"in the source of cell 2\""%ln(v['hf']),
"secret/hardcoded-token line=%d severity=high message=\"OpenRouter API key .* printed in output 1 of cell 3\""%ln(v['openrouter']),
"secret/hardcoded-token line=%d severity=high message=\"Replicate API token .* printed in output 1 of cell 3\""%ln(v['r8']),
"secret/hardcoded-token line=%d severity=high message=\"Groq API key .* printed in output 1 of cell 5\""%ln(v['groq']),
"secret/private-key line=%d severity=high message=\"in the source of cell 6\""%ln('BEGIN RSA PRIVATE KEY'),
]
open('notebook/train.ipynb.want','w').write("\n".join(want)+"\n")
ok={"cells":[
 {"cell_type":"markdown","metadata":{},"source":["Log in with `huggingface-cli login` or set `HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`.\n"]},
 {"cell_type":"code","execution_count":1,"metadata":{},"outputs":[{"data":{"image/png":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==","text/plain":["<Figure>"]},"metadata":{},"output_type":"display_data"}],"source":["token = os.environ[\"HF_TOKEN\"]\n","password = getpass.getpass()\n"]},
],"metadata":{},"nbformat":4,"nbformat_minor":5}
open('ok/clean.ipynb','w').write(json.dumps(ok,indent=1)+"\n")
with zipfile.ZipFile('archive/lambda.zip','w') as z:
    z.writestr('app/handler.py','import os\n\nREPLICATE_API_TOKEN = "%s"\n\ndef handler(event, context):\n    return run(event)\n'%v["r8"])
    z.writestr('app/.env','GROQ_API_KEY=%s\n'%v["groq"])
    z.writestr('app/README.md','Set GROQ_API_KEY=<your-key>\n')
open('archive/lambda.zip.want','w').write('secret/hardcoded-token member=app/handler.py line=3 severity=high message="Replicate"\nsecret/hardcoded-token member=app/.env line=1 severity=high message="Groq"\n')
