"""Credit-risk scoring model: training and inference helpers."""
