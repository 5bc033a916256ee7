//! `named_enum!`: an enum of the names results.json writes for one field. Each name this build
//! knows is a variant; a name it does not know (a newer plateau wrote it) reads as
//! `Other(name)`, so the record still reads, prints the name as written and saves it unchanged.

/// Declares `pub enum $name { $variant, ..., Other(String) }` written in results.json as the
/// given names (a plain JSON string), with `as_str`, `Display`, `From<&str>` and `KNOWN`.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A name this build does not know (a newer plateau wrote it), kept as written.
            Other(String),
        }

        impl $name {
            /// Every name this build knows, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The name written in results.json.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match $name::from(s.as_str()) {
                    $name::Other(_) => $name::Other(s),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v {
                    $name::Other(s) => s,
                    known => known.as_str().to_string(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

pub(crate) use named_enum;

/// Checks that every known name of `T` round-trips through serde as a JSON string, and that an
/// unknown name reads as `Other` and is written back unchanged (used by each enum's tests).
#[cfg(test)]
pub fn assert_round_trips<T>(known: &[T], names: &[&str], other: fn(String) -> T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Clone,
    T: std::fmt::Display,
{
    assert_eq!(known.len(), names.len(), "one name per known variant");
    for (v, name) in known.iter().zip(names) {
        let json = serde_json::to_string(v).unwrap();
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v);
        assert_eq!(v.to_string(), *name);
    }
    let newer = "\"named_by_a_newer_plateau\"";
    let read: T = serde_json::from_str(newer).unwrap();
    assert_eq!(read, other("named_by_a_newer_plateau".into()));
    assert_eq!(serde_json::to_string(&read).unwrap(), newer);
    assert!(
        serde_json::from_str::<T>("3").is_err(),
        "a number is not a name"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    named_enum! {
        /// A test enum.
        pub enum Colour {
            /// Red.
            Red => "red",
            /// Dark blue.
            DarkBlue => "dark_blue",
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_kept() {
        assert_round_trips(Colour::KNOWN, &["red", "dark_blue"], Colour::Other);
        assert_eq!(Colour::from("dark_blue"), Colour::DarkBlue);
        assert_eq!(Colour::from(String::from("red")), Colour::Red);
        assert_eq!(String::from(Colour::Other("x".into())), "x");
        assert_eq!(format!("[{:>5}]", Colour::Red), "[  red]", "widths apply");
    }
}
