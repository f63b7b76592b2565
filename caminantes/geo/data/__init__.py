"""Hand-made reference tables for the places loader: plain Python, no Django imports."""
