//! Files for tests.

use std::path::Path;

/// Copies a folder with its subfolders (the manifests' schemas live in experts/schemas; a store
/// is copied whole before it is damaged). Panics on any error: it is for tests.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
