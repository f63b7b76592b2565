"""Round reports: "Monitoreo de flujo — ronda N" as HTML and PDF (WeasyPrint), per language."""
