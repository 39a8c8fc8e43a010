# The final stage starts a distributed training job on a base image that
# follows latest: raised to medium. The helper stages' moving tag stays low
# (nothing trains or serves on them), and two FROMs of one image are one
# finding.
# want-next: supply-chain/image-not-pinned@low "used in 2 places"
FROM debian AS fetch
RUN echo fetching
FROM debian AS unpack
RUN echo unpacking
# want-next: supply-chain/image-not-pinned@medium "moving tag"
FROM python:latest
COPY --from=unpack /data /data
USER 1000
CMD ["torchrun", "--nproc-per-node", "8", "train.py"]
