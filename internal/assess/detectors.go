package assess

// The detectors as data: each names a signal (a fact about the
// repository that a practice or a mitigation is built from) and the
// structure that proves it. Nothing here matches prose: a Python pattern is
// matched against calls and decorators as the parser resolved them through
// the file's imports, a CI command against the run lines of a parsed
// workflow, a kind against a parsed manifest. A tool named only in a README
// or a comment proves nothing.

// Signal IDs.
const (
	sigDVCPipeline     = "dvc-pipeline"     // dvc.yaml stages
	sigDVCTracked      = "dvc-tracked-data" // a .dvc pointer with content hashes
	sigDVCLock         = "dvc-lock"         // dvc.lock: hashes of every stage's deps and outs
	sigLakeFS          = "lakefs"           // lakeFS client calls
	sigDataLock        = "data-lock"        // mlsec.lock.json
	sigTracking        = "experiment-tracking"
	sigRegistry        = "model-registry"
	sigOrchestrator    = "pipeline-definition" // an orchestrated ML pipeline
	sigSchedule        = "scheduled-run"       // a pipeline run on a schedule
	sigDataTrigger     = "data-trigger"        // a pipeline run when data arrives
	sigCITests         = "ci-tests"
	sigCIDeploy        = "ci-deploy"
	sigServing         = "serving"
	sigMonitoring      = "drift-monitoring"
	sigFeatureStore    = "feature-store"
	sigTests           = "ml-tests"        // test functions in the repository
	sigDataValidation  = "data-validation" // schema or expectation checks on data
	sigLockedEnv       = "locked-environment"
	sigModelScan       = "ci-artifact-scan" // a scanner run on the repository or its models in CI
	sigSign            = "signing"
	sigVerify          = "verification"
	sigAIBOM           = "ai-bom"
	sigDataVerify      = "ci-data-verify" // data locks checked in a pipeline
	sigSafeLoad        = "safe-loading"
	sigModelLoad       = "model-loading" // scope: the project loads models
	sigServingAuth     = "serving-auth"
	sigTelemetry       = "telemetry"
	sigRateLimit       = "rate-limit"
	sigModelValidation = "model-validation"
	sigStorageAccess   = "storage-access-control"
	sigMLCode          = "ml-code" // scope: the project trains or uses ML libraries
)

// pyPattern credits a signal to a Python call or decorator. Pattern is
// matched against the callee resolved through the imports, with call and
// subscript marks removed ("mlflow.tracking.MlflowClient.create_model_version");
// one "*" matches any run of characters. Keyword, when set, must be passed
// (a log_model that registers the model names registered_model_name).
type pyPattern struct {
	Pattern string
	Keyword string
	Signal  string
	What    string
}

var pyPatterns = []pyPattern{
	// Experiment tracking.
	{Pattern: "mlflow.log_*", Signal: sigTracking, What: "MLflow logging"},
	{Pattern: "mlflow.start_run", Signal: sigTracking, What: "MLflow run"},
	{Pattern: "mlflow.autolog", Signal: sigTracking, What: "MLflow autologging"},
	{Pattern: "mlflow.*.autolog", Signal: sigTracking, What: "MLflow autologging"},
	{Pattern: "mlflow.*.log_model", Signal: sigTracking, What: "MLflow model logging"},
	{Pattern: "wandb.init", Signal: sigTracking, What: "Weights & Biases run"},
	{Pattern: "wandb.log", Signal: sigTracking, What: "Weights & Biases logging"},
	{Pattern: "neptune.init_run", Signal: sigTracking, What: "Neptune run"},
	{Pattern: "comet_ml.Experiment", Signal: sigTracking, What: "Comet experiment"},
	{Pattern: "clearml.Task.init", Signal: sigTracking, What: "ClearML task"},
	{Pattern: "dvclive.Live", Signal: sigTracking, What: "DVCLive logging"},

	// Model registry.
	{Pattern: "mlflow.register_model", Signal: sigRegistry, What: "MLflow model registration"},
	{Pattern: "mlflow.*.log_model", Keyword: "registered_model_name", Signal: sigRegistry, What: "MLflow model logged into the registry"},
	{Pattern: "mlflow.*MlflowClient.create_model_version", Signal: sigRegistry, What: "MLflow registry model version"},
	{Pattern: "mlflow.*MlflowClient.transition_model_version_stage", Signal: sigRegistry, What: "MLflow registry stage transition"},
	{Pattern: "mlflow.*MlflowClient.set_registered_model_alias", Signal: sigRegistry, What: "MLflow registry alias"},
	{Pattern: "wandb.*link_model", Signal: sigRegistry, What: "W&B model registry link"},
	{Pattern: "sagemaker.*ModelPackage*", Signal: sigRegistry, What: "SageMaker model package"},
	{Pattern: "sagemaker.*.register", Signal: sigRegistry, What: "SageMaker model registration"},
	{Pattern: "google.cloud.aiplatform.Model.upload", Signal: sigRegistry, What: "Vertex AI Model Registry upload"},

	// Pipeline orchestration.
	{Pattern: "airflow.DAG", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "airflow.models.DAG", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "airflow.models.dag.DAG", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "airflow.decorators.dag", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "airflow.sdk.dag", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "airflow.sdk.DAG", Signal: sigOrchestrator, What: "Airflow DAG"},
	{Pattern: "kfp.dsl.pipeline", Signal: sigOrchestrator, What: "Kubeflow pipeline"},
	{Pattern: "kfp.compiler.Compiler.compile", Signal: sigOrchestrator, What: "Kubeflow pipeline compilation"},
	{Pattern: "sagemaker.workflow.pipeline.Pipeline", Signal: sigOrchestrator, What: "SageMaker Pipeline"},
	{Pattern: "google.cloud.aiplatform.PipelineJob", Signal: sigOrchestrator, What: "Vertex AI pipeline job"},
	{Pattern: "azure.ai.ml.dsl.pipeline", Signal: sigOrchestrator, What: "Azure ML pipeline"},
	{Pattern: "prefect.flow", Signal: sigOrchestrator, What: "Prefect flow"},
	{Pattern: "dagster.job", Signal: sigOrchestrator, What: "Dagster job"},
	{Pattern: "zenml.pipeline", Signal: sigOrchestrator, What: "ZenML pipeline"},
	{Pattern: "metaflow.step", Signal: sigOrchestrator, What: "Metaflow step"},

	// Continuous-training triggers in code.
	{Pattern: "airflow*DAG", Keyword: "schedule", Signal: sigSchedule, What: "Airflow DAG schedule"},
	{Pattern: "airflow*DAG", Keyword: "schedule_interval", Signal: sigSchedule, What: "Airflow DAG schedule"},
	{Pattern: "airflow*dag", Keyword: "schedule", Signal: sigSchedule, What: "Airflow DAG schedule"},
	{Pattern: "kfp.*Client.create_recurring_run", Signal: sigSchedule, What: "Kubeflow recurring run"},
	{Pattern: "google.cloud.aiplatform.PipelineJobSchedule", Signal: sigSchedule, What: "Vertex AI pipeline schedule"},
	{Pattern: "google.cloud.aiplatform.PipelineJob.create_schedule", Signal: sigSchedule, What: "Vertex AI pipeline schedule"},
	{Pattern: "airflow.Dataset", Signal: sigDataTrigger, What: "Airflow data-aware scheduling"},
	{Pattern: "airflow.datasets.Dataset", Signal: sigDataTrigger, What: "Airflow data-aware scheduling"},
	{Pattern: "airflow.sdk.Asset", Signal: sigDataTrigger, What: "Airflow asset-triggered scheduling"},
	{Pattern: "airflow.*sensors.*", Signal: sigDataTrigger, What: "Airflow sensor"},

	// Serving.
	{Pattern: "bentoml.service", Signal: sigServing, What: "BentoML service"},
	{Pattern: "bentoml.Service", Signal: sigServing, What: "BentoML service"},
	{Pattern: "ray.serve.deployment", Signal: sigServing, What: "Ray Serve deployment"},
	{Pattern: "sagemaker.*.deploy", Signal: sigServing, What: "SageMaker endpoint deployment"},
	{Pattern: "google.cloud.aiplatform.*.deploy", Signal: sigServing, What: "Vertex AI endpoint deployment"},
	{Pattern: "kserve.Model", Signal: sigServing, What: "KServe model server"},
	{Pattern: "kserve.ModelServer", Signal: sigServing, What: "KServe model server"},

	// Monitoring and drift.
	{Pattern: "evidently.report.Report", Signal: sigMonitoring, What: "Evidently report"},
	{Pattern: "evidently.Report", Signal: sigMonitoring, What: "Evidently report"},
	{Pattern: "evidently.test_suite.TestSuite", Signal: sigMonitoring, What: "Evidently test suite"},
	{Pattern: "evidently.*DataDrift*", Signal: sigMonitoring, What: "Evidently drift metric"},
	{Pattern: "whylogs.log", Signal: sigMonitoring, What: "whylogs profile"},
	{Pattern: "whylogs.why_init", Signal: sigMonitoring, What: "WhyLabs logging"},
	{Pattern: "alibi_detect.cd.*", Signal: sigMonitoring, What: "alibi-detect drift detector"},
	{Pattern: "nannyml.*", Signal: sigMonitoring, What: "NannyML monitoring"},
	{Pattern: "sagemaker.model_monitor.*Monitor", Signal: sigMonitoring, What: "SageMaker Model Monitor"},
	{Pattern: "google.cloud.aiplatform.ModelDeploymentMonitoringJob*", Signal: sigMonitoring, What: "Vertex AI model monitoring"},

	// Feature store.
	{Pattern: "feast.FeatureStore", Signal: sigFeatureStore, What: "Feast feature store"},
	{Pattern: "feast.FeatureView", Signal: sigFeatureStore, What: "Feast feature view"},
	{Pattern: "feast.Entity", Signal: sigFeatureStore, What: "Feast entity"},
	{Pattern: "hopsworks.login", Signal: sigFeatureStore, What: "Hopsworks feature store"},
	{Pattern: "sagemaker.feature_store.*", Signal: sigFeatureStore, What: "SageMaker Feature Store"},
	{Pattern: "tecton.*", Signal: sigFeatureStore, What: "Tecton feature store"},

	// Data versioning in code.
	{Pattern: "lakefs.*", Signal: sigLakeFS, What: "lakeFS client"},
	{Pattern: "lakefs_client.*", Signal: sigLakeFS, What: "lakeFS client"},
	{Pattern: "lakefs_sdk.*", Signal: sigLakeFS, What: "lakeFS client"},

	// Data validation.
	{Pattern: "great_expectations.*", Signal: sigDataValidation, What: "Great Expectations"},
	{Pattern: "pandera.*Schema", Signal: sigDataValidation, What: "pandera schema"},
	{Pattern: "pandera.check_*", Signal: sigDataValidation, What: "pandera check"},
	{Pattern: "tensorflow_data_validation.*", Signal: sigDataValidation, What: "TensorFlow Data Validation"},
	{Pattern: "deepchecks.*", Signal: sigDataValidation, What: "Deepchecks suite"},

	// Model validation before promotion.
	{Pattern: "mlflow.evaluate", Keyword: "validation_thresholds", Signal: sigModelValidation, What: "MLflow evaluation with thresholds"},
	{Pattern: "mlflow.models.evaluate", Keyword: "validation_thresholds", Signal: sigModelValidation, What: "MLflow evaluation with thresholds"},
	{Pattern: "mlflow.validate_evaluation_results", Signal: sigModelValidation, What: "MLflow evaluation gate"},
	{Pattern: "tensorflow_model_analysis.*", Signal: sigModelValidation, What: "TFMA model validation"},

	// Loading that runs no code.
	{Pattern: "safetensors.*load*", Signal: sigSafeLoad, What: "safetensors loading"},
	{Pattern: "torch.load", Keyword: "weights_only", Signal: sigSafeLoad, What: "torch.load with weights_only"},
	{Pattern: "*from_pretrained", Keyword: "use_safetensors", Signal: sigSafeLoad, What: "from_pretrained with use_safetensors"},
	{Pattern: "onnxruntime.InferenceSession", Signal: sigSafeLoad, What: "ONNX Runtime session"},

	// Model loading at all (scope of the loading mitigations).
	{Pattern: "torch.load", Signal: sigModelLoad, What: "torch.load"},
	{Pattern: "joblib.load", Signal: sigModelLoad, What: "joblib.load"},
	{Pattern: "pickle.load*", Signal: sigModelLoad, What: "pickle load"},
	{Pattern: "*from_pretrained", Signal: sigModelLoad, What: "from_pretrained"},
	{Pattern: "*keras*load_model", Signal: sigModelLoad, What: "Keras load_model"},
	{Pattern: "mlflow.*load_model", Signal: sigModelLoad, What: "MLflow load_model"},
	{Pattern: "safetensors.*load*", Signal: sigModelLoad, What: "safetensors loading"},
	{Pattern: "onnxruntime.InferenceSession", Signal: sigModelLoad, What: "ONNX Runtime session"},

	// Signing and verification in code.
	{Pattern: "model_signing.signing.*", Signal: sigSign, What: "model_signing signing"},
	{Pattern: "model_signing.sign*", Signal: sigSign, What: "model_signing signing"},
	{Pattern: "model_signing.verify*", Signal: sigVerify, What: "model_signing verification"},
	{Pattern: "model_signing.verifying.*", Signal: sigVerify, What: "model_signing verification"},
	{Pattern: "sigstore.verify.*", Signal: sigVerify, What: "sigstore verification"},

	// Access control on serving code.
	{Pattern: "fastapi.security.*", Signal: sigServingAuth, What: "FastAPI security scheme"},
	{Pattern: "flask_httpauth.*", Signal: sigServingAuth, What: "Flask-HTTPAuth"},
	{Pattern: "flask_login.login_required", Signal: sigServingAuth, What: "Flask-Login"},
	{Pattern: "slowapi.Limiter", Signal: sigRateLimit, What: "slowapi rate limiter"},
	{Pattern: "flask_limiter.Limiter", Signal: sigRateLimit, What: "Flask-Limiter"},

	// Telemetry.
	{Pattern: "prometheus_client.*", Signal: sigTelemetry, What: "Prometheus metrics"},
	{Pattern: "prometheus_fastapi_instrumentator.*", Signal: sigTelemetry, What: "Prometheus instrumentation"},
	{Pattern: "opentelemetry.*", Signal: sigTelemetry, What: "OpenTelemetry instrumentation"},
}

// mlModules are the libraries whose import makes a file ML code: the scope
// of the training-data mitigations.
var mlModules = []string{"sklearn", "torch", "tensorflow", "keras", "xgboost", "lightgbm", "catboost",
	"transformers", "jax", "flax", "mlflow", "statsmodels", "pytorch_lightning", "lightning"}

// webModules make a file that also loads a model a serving endpoint.
var webModules = []string{"fastapi", "flask", "starlette", "aiohttp.web", "tornado.web", "gradio", "streamlit"}

// ciCommand credits a signal to a CI step's run line, matched as a
// regular expression against the command text.
type ciCommand struct {
	Regexp string
	Signal string
	What   string
}

// cmd is where a command starts on a run line: the line's start, after a
// shell operator, or after a runner (`poetry run`, `uv run`, `uvx`). A
// tool named as an argument (`pip install pytest`) is not running.
const cmd = `(^|[;&|(]\s*|\b(run|exec|uvx|sudo)\s+)`

var ciCommands = []ciCommand{
	{cmd + `(python3? -m )?(pytest|tox|nox)(\s|$)|(python3?|coverage run) -m (pytest|unittest)(\s|$)`, sigCITests, "tests run in CI"},
	{cmd + `(make|invoke|inv|just|poe|task|hatch( run)?) ([a-z0-9:_-]+ )*[a-z0-9:_-]*tests?(\s|$)`, sigCITests, "tests run in CI through a task runner"},
	{cmd + `mlsec scan(\s|$)`, sigModelScan, "mlsec scan in CI"},
	{cmd + `(modelscan|picklescan|fickling)(\s|$)`, sigModelScan, "model scanner in CI"},
	{cmd + `(pip-audit|osv-scanner|trivy|grype|safety check)(\s|$)`, sigModelScan, "dependency vulnerability scan in CI"},
	{cmd + `cosign sign(-blob)?(\s|$)`, sigSign, "cosign signing in CI"},
	{cmd + `(python3? -m )?model_signing sign(\s|$)`, sigSign, "model_signing in CI"},
	{cmd + `(cosign verify(-blob)?|(python3? -m )?model_signing verify|sha256sum (-c|--check))(\s|$)`, sigVerify, "artifact verification in CI"},
	{cmd + `mlsec data verify(\s|$)`, sigDataVerify, "mlsec data verify in CI"},
	{cmd + `mlsec sign(\s|$)`, sigSign, "mlsec sign in CI"},
	{cmd + `mlsec verify(\s|$)`, sigVerify, "mlsec verify in CI"},
	{cmd + `mlsec bom(\s|$)`, sigAIBOM, "mlsec bom in CI"},
	{cmd + `dvc (data )?status(\s|$)`, sigDataVerify, "dvc status in CI"},
	{cmd + `(cyclonedx-py|cdxgen|syft .*cyclonedx)`, sigAIBOM, "CycloneDX BOM generated in CI"},
	{cmd + `(kubectl (apply|rollout|set image)|helm (upgrade|install)|kustomize build|argo (submit|cron create)|kfp pipeline (create|upload)|az ml (online-deployment|job) create|gcloud (ai|run) [a-z-]+ (deploy|create|deploy-model)|mlflow deployments create|bentoml deploy)`, sigCIDeploy, "deployment from CI"},
}

// pipelineRun marks a CI command that runs an ML pipeline or training job:
// a schedule that runs only linters is not continuous training.
var pipelineRun = cmd + `(dvc (repro|exp run)|mlflow run|argo submit|kfp run|az ml job create|gcloud ai custom-jobs|python3? [^;&|]*train[^;&|\s]*(\.py)?|python3? -m [a-z_.]*(train|pipeline)[a-z_.]*|kfp run (submit|create))`

// ciActions credits a signal to a GitHub Actions `uses:` reference, by
// prefix of owner/repo.
var ciActions = []struct {
	Prefix string
	Signal string
	What   string
}{
	{"sigstore/cosign-installer", sigSign, "cosign installed for signing"},
	{"sigstore/gh-action-sigstore-python", sigSign, "sigstore signing action"},
	{"actions/attest-build-provenance", sigSign, "build provenance attestation"},
	{"protectai/modelscan", sigModelScan, "modelscan action"},
	{"aquasecurity/trivy-action", sigModelScan, "Trivy scan action"},
	{"pypa/gh-action-pip-audit", sigModelScan, "pip-audit action"},
	{"azure/k8s-deploy", sigCIDeploy, "Kubernetes deployment action"},
	{"google-github-actions/deploy-cloudrun", sigCIDeploy, "Cloud Run deployment action"},
	{"aws-actions/amazon-ecs-deploy-task-definition", sigCIDeploy, "ECS deployment action"},
	{"anchore/sbom-action", sigAIBOM, "SBOM generation action"},
}

// kindSignal credits a signal to a Kubernetes-style manifest by apiVersion
// group (prefix) and kind.
type kindSignal struct {
	Group  string // prefix of apiVersion; "" matches any
	Kind   string
	Signal string
	What   string
}

var kindSignals = []kindSignal{
	{"argoproj.io/", "Workflow", sigOrchestrator, "Argo Workflow"},
	{"argoproj.io/", "WorkflowTemplate", sigOrchestrator, "Argo WorkflowTemplate"},
	{"argoproj.io/", "ClusterWorkflowTemplate", sigOrchestrator, "Argo ClusterWorkflowTemplate"},
	{"argoproj.io/", "CronWorkflow", sigOrchestrator, "Argo CronWorkflow"},
	{"argoproj.io/", "CronWorkflow", sigSchedule, "Argo CronWorkflow schedule"},
	{"argoproj.io/", "Sensor", sigDataTrigger, "Argo Events sensor"},
	{"tekton.dev/", "Pipeline", sigOrchestrator, "Tekton Pipeline"},
	{"kubeflow.org/", "ScheduledWorkflow", sigSchedule, "Kubeflow recurring run"},
	{"serving.kserve.io/", "InferenceService", sigServing, "KServe InferenceService"},
	{"serving.kubeflow.org/", "InferenceService", sigServing, "KFServing InferenceService"},
	{"machinelearning.seldon.io/", "SeldonDeployment", sigServing, "Seldon deployment"},
	{"mlops.seldon.io/", "Model", sigServing, "Seldon Core 2 model"},
	{"monitoring.coreos.com/", "PrometheusRule", sigMonitoring, "Prometheus alerting rules"},
	{"monitoring.coreos.com/", "ServiceMonitor", sigTelemetry, "Prometheus ServiceMonitor"},
	{"monitoring.coreos.com/", "PodMonitor", sigTelemetry, "Prometheus PodMonitor"},
	{"security.istio.io/", "AuthorizationPolicy", sigServingAuth, "Istio AuthorizationPolicy"},
	{"security.istio.io/", "RequestAuthentication", sigServingAuth, "Istio RequestAuthentication"},
}

// servingImages are model-server images: a container running one serves a
// model, whatever manifest holds it.
var servingImages = []struct{ Substr, What string }{
	{"tritonserver", "Triton Inference Server"},
	{"pytorch/torchserve", "TorchServe"},
	{"tensorflow/serving", "TensorFlow Serving"},
	{"seldonio/mlserver", "MLServer"},
	{"kserve/", "KServe model server"},
	{"vllm/vllm-openai", "vLLM server"},
	{"huggingface/text-generation-inference", "text-generation-inference"},
}

// ingressAnnotations on an Ingress fronting a model credit authentication
// or rate limiting.
var ingressAnnotations = []struct{ Key, Signal, What string }{
	{"nginx.ingress.kubernetes.io/auth-url", sigServingAuth, "ingress external authentication"},
	{"nginx.ingress.kubernetes.io/auth-type", sigServingAuth, "ingress authentication"},
	{"nginx.ingress.kubernetes.io/limit-rps", sigRateLimit, "ingress rate limit"},
	{"nginx.ingress.kubernetes.io/limit-rpm", sigRateLimit, "ingress rate limit"},
}

// terraformResources credit access control on data at rest by resource
// type, read from resource block headers.
var terraformResources = []struct{ Type, Signal, What string }{
	{"aws_s3_bucket_public_access_block", sigStorageAccess, "S3 public access block"},
	{"aws_s3_account_public_access_block", sigStorageAccess, "S3 account public access block"},
	{"google_storage_bucket_iam_binding", sigStorageAccess, "GCS bucket IAM binding"},
	{"azurerm_storage_account_network_rules", sigStorageAccess, "Azure storage network rules"},
}

// lockFiles are dependency lock files by base name: a locked environment.
var lockFiles = map[string]string{
	"poetry.lock": "Poetry lock file", "uv.lock": "uv lock file", "pdm.lock": "PDM lock file",
	"Pipfile.lock": "Pipenv lock file", "conda-lock.yml": "conda-lock file", "pixi.lock": "pixi lock file",
}
