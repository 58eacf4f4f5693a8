"""Medusa heads on the site: train them for a model (a medusa-train run), register a folder of
them, and resolve the slug a speed run names into checked heads and their folder."""
