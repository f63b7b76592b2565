"""Aggregate reports of protection incidents: counts with statistical disclosure control."""
