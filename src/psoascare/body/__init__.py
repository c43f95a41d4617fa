"""The musculoskeletal model: segments, joints, postures -> muscle paths, lengths, moment arms; figures."""
