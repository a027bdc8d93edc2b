"""The Qt desktop interface: the labelling window and its parts. The only package that imports Qt."""
