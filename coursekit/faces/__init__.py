"""The classic landmark face-swap pipeline, one small module per step.

detect -> landmarks -> align -> mask -> color transfer -> blend -> swap,
plus identity (face descriptors), video, and watermarking of everything the
swap code writes. Models come from ``dlib-bin`` and the files of
``face_recognition_models`` (loaded by path), OpenCV's bundled Haar cascade,
all offline.
"""
