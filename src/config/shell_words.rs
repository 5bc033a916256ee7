//! Splits a command string into words the way a POSIX shell does for plain words: single
//! quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash outside quotes
//! escapes the next character, unquoted whitespace separates. No expansion of any kind.

/// The words of `text`, or a sentence saying what is wrong (an unclosed quote).
pub fn split(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a single quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a double quote is not closed".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a double quote is not closed".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn quotes_and_escapes_split_like_a_shell() {
        assert_eq!(
            split(r#"sh -c 'i=0; while [ $i -lt 5 ]; do i=$((i+1)); done'"#).unwrap(),
            vec!["sh", "-c", "i=0; while [ $i -lt 5 ]; do i=$((i+1)); done"]
        );
        assert_eq!(
            split(r#"  a "b \"c\" d"  e\ f ''  "#).unwrap(),
            vec!["a", "b \"c\" d", "e f", ""]
        );
        assert_eq!(split("").unwrap(), Vec::<String>::new());
        assert!(split("echo 'oops").is_err());
        assert!(split("echo \"oops").is_err());
    }
}
