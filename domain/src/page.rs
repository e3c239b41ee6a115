//! Keyset pagination, newest first.
//!
//! A page is "the `limit` items older than the cursor", ordered by
//! `(created_at, id)` descending, so page 5,000 costs what page 1 costs and
//! items added meanwhile never shift a page. Adapters fetch `limit + 1` rows
//! and hand them to [`Page::from_overfetch`], which decides whether there is
//! a next page; that logic lives here once, not in every adapter.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::ValidationError;

/// Where a page ends: the `(created_at, id)` of its last item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    /// `created_at` of the last item seen.
    pub created_at: OffsetDateTime,
    /// Id of the last item seen (breaks ties in `created_at`).
    pub id: Uuid,
}

impl Cursor {
    /// The opaque text form handed to clients: `<unix nanos>_<uuid>`.
    pub fn encode(&self) -> String {
        format!(
            "{}_{}",
            self.created_at.unix_timestamp_nanos(),
            self.id.simple()
        )
    }

    /// Parses what [`Cursor::encode`] produced.
    pub fn decode(text: &str) -> Result<Self, ValidationError> {
        let (nanos, id) = text.split_once('_').ok_or(ValidationError::InvalidCursor)?;
        let nanos: i128 = nanos.parse().map_err(|_| ValidationError::InvalidCursor)?;
        let created_at = OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .map_err(|_| ValidationError::InvalidCursor)?;
        let id = Uuid::try_parse(id).map_err(|_| ValidationError::InvalidCursor)?;
        Ok(Self { created_at, id })
    }
}

/// What page to read: at most `limit` items after `after` (or from the
/// newest when `after` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    after: Option<Cursor>,
    limit: u32,
}

impl PageRequest {
    /// Page size when the client names none.
    pub const DEFAULT_LIMIT: u32 = 20;
    /// Largest page size a client may ask for.
    pub const MAX_LIMIT: u32 = 100;

    /// Validates a client's page size and cursor.
    pub fn new(after: Option<&str>, limit: Option<u32>) -> Result<Self, ValidationError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if limit == 0 || limit > Self::MAX_LIMIT {
            return Err(ValidationError::InvalidPageSize {
                max: Self::MAX_LIMIT,
            });
        }
        let after = after
            .filter(|s| !s.is_empty())
            .map(Cursor::decode)
            .transpose()?;
        Ok(Self { after, limit })
    }

    /// The first page, of the default size.
    pub fn first() -> Self {
        Self {
            after: None,
            limit: Self::DEFAULT_LIMIT,
        }
    }

    /// The same page request with another size (clamped to 1..=MAX_LIMIT);
    /// for internal callers such as exports.
    pub fn with_limit(self, limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            ..self
        }
    }

    /// The page after `cursor`, same size.
    pub fn after(self, cursor: Cursor) -> Self {
        Self {
            after: Some(cursor),
            ..self
        }
    }

    /// The cursor to continue from, if any.
    pub fn cursor(&self) -> Option<Cursor> {
        self.after
    }

    /// Items wanted.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows an adapter should fetch: one more than wanted, to learn whether
    /// another page follows.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }
}

/// One page of results and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, newest first.
    pub items: Vec<T>,
    /// Cursor for the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `request.fetch_limit()` rows in page order.
    pub fn from_overfetch(
        mut rows: Vec<T>,
        request: PageRequest,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> Self {
        let limit = request.limit() as usize;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next = if has_more {
            rows.last().map(cursor_of)
        } else {
            None
        };
        Self { items: rows, next }
    }

    /// Transforms every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn cursor_round_trips_through_text() {
        let cursor = Cursor {
            created_at: datetime!(2025-05-06 7:08:09.123456 UTC),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn garbage_cursor_is_refused() {
        for bad in [
            "",
            "abc",
            "12_notauuid",
            "x_00000000000000000000000000000000",
        ] {
            assert_eq!(
                Cursor::decode(bad),
                Err(ValidationError::InvalidCursor),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn page_size_is_between_1_and_100() {
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(101)).is_err());
        assert_eq!(PageRequest::new(None, None).unwrap().limit(), 20);
    }

    #[test]
    fn overfetched_row_means_a_next_page_starting_after_the_last_item() {
        let request = PageRequest::new(None, Some(2)).unwrap();
        let at = datetime!(2025-01-01 0:00 UTC);
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let page = Page::from_overfetch(ids.clone(), request, |id| Cursor {
            created_at: at,
            id: *id,
        });
        assert_eq!(page.items, ids[..2]);
        assert_eq!(
            page.next,
            Some(Cursor {
                created_at: at,
                id: ids[1]
            })
        );
    }

    #[test]
    fn last_page_has_no_next_cursor() {
        let request = PageRequest::new(None, Some(2)).unwrap();
        let page = Page::from_overfetch(vec![1, 2], request, |_| unreachable!());
        assert_eq!(page.next, None);
    }
}
