//! Fetching and parsing of news sources.
