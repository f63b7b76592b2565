"""Offline maps: simplified admin-1 boundaries shipped with the project, drawn as inline SVG."""
