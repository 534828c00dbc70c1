-- Schema 2: the URL each downloaded feed file came from. Validators are stored per URL and
-- the file per feed name, so an update sends a URL's validators only when the file on disk
-- contains that URL's content.
CREATE TABLE feed_files (
    path TEXT NOT NULL PRIMARY KEY,
    url TEXT NOT NULL
);
