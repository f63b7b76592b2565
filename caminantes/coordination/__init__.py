"""Coordination: RMRP 5W reporting (fivew), campaigns against xenophobia (campaigns) and
community feedback and complaints (feedback). The top of the layers, beside field collection
(`caminantes.collect`, which feeds the registry, DTM and assistance): both may read every
module below them (service deliveries, the registry's counts), and nothing imports them."""
