"""tforacle: records and serves real-TensorFlow answers for Keras's cosine similarity loss (both generations)."""
__version__ = "0.1.0"
