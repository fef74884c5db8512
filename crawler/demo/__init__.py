"""The bundled demo site (a provincial paper in miniature) and the static-site server that serves it."""
