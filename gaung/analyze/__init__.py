"""Analysis stages that turn an extracted Article into a stored Mention (dedup, language, tone, ...).

Each stage lives in its own module and is imported from there; this package deliberately re-exports
nothing, so importing one stage never drags in the models of another.
"""
