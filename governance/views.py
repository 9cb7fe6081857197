"""Placeholder views; replaced by issue 4's pages."""
