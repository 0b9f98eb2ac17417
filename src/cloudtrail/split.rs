//! Splitting a log file's text into records without building them.
//!
//! CloudTrail writes `{"Records":[{...},{...}]}`; exports write a JSON array of records,
//! one record per file, or one per line (NDJSON). [`Pieces`] walks any of these (and
//! concatenations of them) and yields each record's text, validated as JSON by serde_json
//! but not materialised, so that only the few records worth reading are parsed.

use serde::de::IgnoredAny;

/// One value found in a log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// An element of a `Records` array or of a top-level array: a record.
    Element(&'a str),
    /// Any other top-level value: a single record, an NDJSON line, or not a record at all.
    TopLevel(&'a str),
}

/// Where and why a file stops being readable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitError {
    /// Byte offset in the (decompressed) text.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayKind {
    /// `[...]` at the top level.
    Bare,
    /// The array of `{"Records": [...]}`: a `}` follows it.
    Records,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    TopLevel,
    /// Just after `[`: an element or `]` comes next.
    ArrayStart(ArrayKind),
    /// After an element: `,` or `]` comes next.
    ArrayNext(ArrayKind),
    Done,
}

/// The records of a log file's text, in order. Stops at the first error.
pub(crate) struct Pieces<'a> {
    text: &'a str,
    pos: usize,
    state: State,
}

impl<'a> Pieces<'a> {
    pub(crate) fn new(text: &'a str) -> Pieces<'a> {
        Pieces {
            text,
            pos: 0,
            state: State::TopLevel,
        }
    }

    fn step(&mut self) -> Option<Result<Piece<'a>, SplitError>> {
        loop {
            self.skip_whitespace();
            match self.state {
                State::Done => return None,
                State::TopLevel => match self.peek() {
                    None => return None,
                    Some(b'[') => {
                        self.pos += 1;
                        self.state = State::ArrayStart(ArrayKind::Bare);
                    }
                    Some(_) => match self.records_array_start() {
                        Some(after_bracket) => {
                            self.pos = after_bracket;
                            self.state = State::ArrayStart(ArrayKind::Records);
                        }
                        None => return Some(self.value().map(Piece::TopLevel)),
                    },
                },
                State::ArrayStart(kind) => match self.peek() {
                    Some(b']') => {
                        self.pos += 1;
                        if let Err(error) = self.close(kind) {
                            return Some(Err(error));
                        }
                    }
                    None => return Some(Err(self.truncated())),
                    Some(_) => {
                        self.state = State::ArrayNext(kind);
                        return Some(self.value().map(Piece::Element));
                    }
                },
                State::ArrayNext(kind) => match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        return Some(self.value().map(Piece::Element));
                    }
                    Some(b']') => {
                        self.pos += 1;
                        if let Err(error) = self.close(kind) {
                            return Some(Err(error));
                        }
                    }
                    None => return Some(Err(self.truncated())),
                    Some(_) => return Some(Err(self.error("expected ',' or ']' after a record"))),
                },
            }
        }
    }

    /// After an array's `]`: a `Records` wrapper must close too.
    fn close(&mut self, kind: ArrayKind) -> Result<(), SplitError> {
        if kind == ArrayKind::Records {
            self.skip_whitespace();
            match self.peek() {
                Some(b'}') => self.pos += 1,
                None => return Err(self.truncated()),
                Some(_) => return Err(self.error("expected '}' after the Records array")),
            }
        }
        self.state = State::TopLevel;
        Ok(())
    }

    /// At a `{` that opens `"Records": [`: the position after the `[`.
    fn records_array_start(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'{') {
            return None;
        }
        let mut i = skip_whitespace(bytes, self.pos + 1);
        let key = bytes.get(i..i + 9)?;
        if !key.eq_ignore_ascii_case(b"\"Records\"") {
            return None;
        }
        i = skip_whitespace(bytes, i + 9);
        (bytes.get(i) == Some(&b':')).then_some(())?;
        i = skip_whitespace(bytes, i + 1);
        (bytes.get(i) == Some(&b'[')).then_some(i + 1)
    }

    /// One complete JSON value starting at `pos`, skipped by serde_json (validated, not built).
    fn value(&mut self) -> Result<&'a str, SplitError> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
        match stream.next() {
            Some(Ok(_)) => {
                let end = self.pos + stream.byte_offset();
                let piece = self
                    .text
                    .get(self.pos..end)
                    .ok_or_else(|| self.error("a value ends inside a character"))?;
                self.pos = end;
                Ok(piece)
            }
            Some(Err(error)) => Err(self.json_error(&error)),
            None => Err(self.truncated()),
        }
    }

    fn skip_whitespace(&mut self) {
        self.pos = skip_whitespace(self.text.as_bytes(), self.pos);
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn error(&self, message: &str) -> SplitError {
        SplitError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn truncated(&self) -> SplitError {
        self.error("truncated: the file ends inside a JSON value")
    }

    /// serde_json reports line and column from `pos`; turn them into a file offset.
    fn json_error(&self, error: &serde_json::Error) -> SplitError {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        let mut offset = 0;
        for _ in 1..error.line() {
            match rest[offset..].iter().position(|&b| b == b'\n') {
                Some(newline) => offset += newline + 1,
                None => break,
            }
        }
        offset = if error.is_eof() {
            rest.len()
        } else {
            (offset + error.column().saturating_sub(1)).min(rest.len())
        };
        let text = error.to_string();
        let message = text.split(" at line ").next().unwrap_or(&text);
        let message = if error.is_eof() {
            format!("truncated: {message}")
        } else {
            format!("invalid JSON: {message}")
        };
        SplitError {
            offset: self.pos + offset,
            message,
        }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Result<Piece<'a>, SplitError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.step();
        if !matches!(item, Some(Ok(_))) {
            self.state = State::Done;
        }
        item
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (Vec<Piece<'_>>, Option<SplitError>) {
        let mut pieces = Vec::new();
        for item in Pieces::new(text) {
            match item {
                Ok(piece) => pieces.push(piece),
                Err(error) => return (pieces, Some(error)),
            }
        }
        (pieces, None)
    }

    #[test]
    fn records_wrapper_array_and_ndjson() {
        let (pieces, error) = split(" {\"Records\" : [ {\"a\":1} , {\"b\":[2]} ] }\n");
        assert_eq!(
            pieces,
            [Piece::Element("{\"a\":1}"), Piece::Element("{\"b\":[2]}")]
        );
        assert_eq!(error, None);

        let (pieces, error) = split("[{\"a\":1},{\"a\":2}]");
        assert_eq!(
            pieces,
            [Piece::Element("{\"a\":1}"), Piece::Element("{\"a\":2}")]
        );
        assert_eq!(error, None);

        let (pieces, error) = split("{\"a\":1}\n{\"a\":2}\n\n");
        assert_eq!(
            pieces,
            [Piece::TopLevel("{\"a\":1}"), Piece::TopLevel("{\"a\":2}")]
        );
        assert_eq!(error, None);

        let (pieces, error) = split("{\"Records\":[]}[]");
        assert_eq!((pieces.len(), error), (0, None));
        assert_eq!(split("").0.len(), 0);
    }

    #[test]
    fn a_records_key_that_is_not_first_is_a_top_level_value() {
        let (pieces, error) = split("{\"x\":1,\"Records\":[{\"a\":1}]}");
        assert_eq!(
            pieces,
            [Piece::TopLevel("{\"x\":1,\"Records\":[{\"a\":1}]}")]
        );
        assert_eq!(error, None);
    }

    #[test]
    fn errors_name_the_offset_and_keep_what_came_before() {
        let text = "{\"Records\":[{\"a\":1},{\"a\":";
        let (pieces, error) = split(text);
        assert_eq!(pieces, [Piece::Element("{\"a\":1}")]);
        let error = error.unwrap();
        assert!(error.message.starts_with("truncated"), "{error}");
        assert_eq!(error.offset, text.len());

        let (_, error) = split("{\"Records\":[{\"a\":1}\n{\"a\":2}]}");
        assert_eq!(error.unwrap().message, "expected ',' or ']' after a record");

        let (_, error) = split("[{\"a\":1},\n{\"a\" 1}]");
        let error = error.unwrap();
        assert!(
            error.message.starts_with("invalid JSON: expected `:`"),
            "{error}"
        );
        assert_eq!(error.offset, 15, "the `1` after `\"a\" `: {error}");

        let (_, error) = split("{\"Records\":[]");
        assert!(error.unwrap().message.starts_with("truncated"));
        let (_, error) = split("{\"Records\":[] x");
        assert_eq!(
            error.unwrap().message,
            "expected '}' after the Records array"
        );
    }
}
