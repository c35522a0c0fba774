"""The engine: experta (one module imports it), the compiled matcher, the knowledge base loader, parameters
and the mapper from concluded facts to the Advice."""
