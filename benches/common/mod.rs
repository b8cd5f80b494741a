//! What the benches share: the server they drive ([`server`]), the load they
//! put on it ([`load`]) and the machine's own bound ([`bound`]). Each bench
//! keeps its method and its report in its own file.
#![allow(dead_code)]

pub mod bound;
pub mod load;
pub mod server;
