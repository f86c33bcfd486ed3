"""Plotly figures from metric DataFrames: project colours, Chinese labels, a takeaway title."""
