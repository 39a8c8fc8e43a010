# Serving image: entrypoint + cmd combined, shell-form start. (rayproject
# images run as the ray user, so no runs-as-root.)
# want-next: supply-chain/image-not-pinned@medium
FROM rayproject/ray:latest
# want-next: exposure/ray-dashboard@critical
ENTRYPOINT ray start --head --dashboard-host=0.0.0.0 --block
