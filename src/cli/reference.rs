//! References on the command line: a URI, or a plain path.

use std::path::Path;

/// A reference as typed: a URI (`scheme://…`) stays as it is; a plain path
/// (`/abs/site.yaml`, `./site.yaml`, `../x.yaml`, or any name without a
/// scheme, existing or not: the file driver then says "no such file")
/// becomes the `file://` URI of its absolute path. Anything else is
/// returned unchanged, for the parser to explain.
pub fn from_arg(input: &str) -> String {
    if input.contains("://") {
        return input.to_owned();
    }
    let looks_like_path = input.starts_with('/')
        || input.starts_with("./")
        || input.starts_with("../")
        || !input.contains(':');
    if !looks_like_path {
        return input.to_owned();
    }
    let absolute = std::path::absolute(input).unwrap_or_else(|_| Path::new(input).to_owned());
    url::Url::from_file_path(&absolute)
        .map(String::from)
        .unwrap_or_else(|()| input.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_file_uris_and_uris_stay() {
        assert_eq!(from_arg("https://h/x"), "https://h/x");
        assert_eq!(from_arg("/srv/my site.yaml"), "file:///srv/my%20site.yaml");
        let here = std::env::current_dir().unwrap();
        let expected = url::Url::from_file_path(here.join("x.yaml")).unwrap();
        assert_eq!(from_arg("./x.yaml"), expected.as_str());
        // Any name without a scheme is a path, existing or not.
        let expected = url::Url::from_file_path(here.join("etc/site.yaml")).unwrap();
        assert_eq!(from_arg("etc/site.yaml"), expected.as_str());
        // A scheme without `//`: left for the parser to explain.
        assert_eq!(from_arg("file:etc/x"), "file:etc/x");
    }
}
