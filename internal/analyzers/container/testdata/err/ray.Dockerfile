# Serving image: entrypoint + cmd combined, shell-form start. (rayproject
# images run as the ray user, so no runs-as-root.)
# want-next: container/unpinned-base-image
FROM rayproject/ray:latest
# want-next: config/ray-dashboard-exposed
ENTRYPOINT ray start --head --dashboard-host=0.0.0.0 --block
