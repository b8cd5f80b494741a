//! The export reader (`export::verify` and `export::Reader`) on any file.
//!
//! Properties: no input panics; the streaming reader and `verify` agree on
//! every input (same verdict, same lines, same header); and an export that
//! verifies, written again with `export::Writer`, verifies again unchanged
//! in counts and header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::export::{Item, Reader, Writer, verify};

fuzz_target!(|data: &[u8]| {
    let verified = verify(data);

    let Ok(mut reader) = Reader::new(data) else {
        assert!(
            verified.is_err(),
            "verify accepted what Reader::new refused"
        );
        return;
    };
    let mut items = Vec::new();
    let complete = loop {
        match reader.next_item() {
            None => break true,
            Some(Ok(item)) => items.push(item),
            Some(Err(_)) => break false,
        }
    };
    assert!(
        reader.next_item().is_none(),
        "a finished reader stays finished"
    );

    let Ok((header, count)) = verified else {
        assert!(!complete, "Reader accepted what verify refused");
        return;
    };
    assert!(complete, "verify accepted what Reader refused");
    let records = items
        .iter()
        .filter(|i| matches!(i, Item::Record(_)))
        .count();
    assert_eq!(count, records as u64);
    assert_eq!(&header, reader.header());

    let mut again = Vec::new();
    let mut writer = Writer::new(&mut again, &header).expect("writing to memory");
    for item in &items {
        match item {
            Item::Withdrawn(id) => writer.withdrawn(id),
            Item::Record(entry) => writer.record(&entry.record_id(), entry.ciphertext.as_bytes()),
        }
        .expect("the reader checked the order, so the writer takes it");
    }
    let written = writer.finish().expect("writing to memory");
    assert_eq!(written, reader.counts());
    assert_eq!(written.records, count);
    let (header2, count2) = verify(&again[..]).expect("a rewritten export verifies");
    assert_eq!((header2, count2), (header, count));
});
