"""Countries, admin areas (ISO 3166-2 and OCHA P-codes), towns and border crossing points.

Layer: geo imports only lib. Everything above may import geo; geo imports no other app.
"""
