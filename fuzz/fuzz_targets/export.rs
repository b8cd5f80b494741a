//! The export reader (`export::verify` and `export::Reader`) on any file.
//!
//! Properties: no input panics; the streaming reader and `verify` agree on
//! every input (same verdict, same records, same header); and an export that
//! verifies, written again with `export::Writer`, verifies again unchanged
//! in count and header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::export::{Reader, Writer, verify};
use undersign::receipt::RecordId;

fuzz_target!(|data: &[u8]| {
    let verified = verify(data);

    let Ok(mut reader) = Reader::new(data) else {
        assert!(
            verified.is_err(),
            "verify accepted what Reader::new refused"
        );
        return;
    };
    let mut entries = Vec::new();
    let complete = loop {
        match reader.next_entry() {
            None => break true,
            Some(Ok(entry)) => entries.push(entry),
            Some(Err(_)) => break false,
        }
    };
    assert!(
        reader.next_entry().is_none(),
        "a finished reader stays finished"
    );

    let Ok((header, count)) = verified else {
        assert!(!complete, "Reader accepted what verify refused");
        return;
    };
    assert!(complete, "verify accepted what Reader refused");
    assert_eq!(count, entries.len() as u64);
    assert_eq!(&header, reader.header());

    let mut again = Vec::new();
    let mut writer = Writer::new(&mut again, &header).expect("writing to memory");
    for entry in &entries {
        let id = RecordId::from_hex(&entry.id).expect("the reader checked the id");
        writer
            .record(&id, entry.ciphertext.as_bytes())
            .expect("writing to memory");
    }
    assert_eq!(writer.finish().expect("writing to memory"), count);
    let (header2, count2) = verify(&again[..]).expect("a rewritten export verifies");
    assert_eq!((header2, count2), (header, count));
});
