"""Coordination: RMRP 5W reporting (fivew), campaigns against xenophobia (campaigns) and
community feedback and complaints (feedback). The top of the layers: it may read every
module below it (service deliveries, the registry's counts), and nothing imports it."""
