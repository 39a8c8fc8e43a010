# Ray worker image with the team's training code. rayproject images already
# run as the unprivileged ray user.
FROM rayproject/ray-ml:2.9.0-py310-gpu@sha256:5b1f0d3c2a4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
COPY --chown=ray:users requirements.lock /home/ray/requirements.lock
RUN pip install --no-cache-dir --no-deps -r /home/ray/requirements.lock
COPY --chown=ray:users src/ /home/ray/src/
