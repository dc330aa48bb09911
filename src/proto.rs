//! The generated gRPC types of `proto/switchboard/v1/switchboard.proto`.
#![allow(clippy::all, clippy::pedantic)]

tonic::include_proto!("switchboard.v1");

/// Encoded descriptor set, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    tonic::include_file_descriptor_set!("switchboard_descriptor");
