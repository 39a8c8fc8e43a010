# Serving image: entrypoint + cmd combined, shell-form start, root by default.
# want-next: container/unpinned-base-image container/runs-as-root
FROM rayproject/ray:latest
# want-next: config/ray-dashboard-exposed
ENTRYPOINT ray start --head --dashboard-host=0.0.0.0 --block
