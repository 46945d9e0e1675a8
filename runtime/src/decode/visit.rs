//! Walking the root object: the type, version and payload keys go to the
//! decode's state as they pass, every other key to the header's own visitor.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::state::{Failure, ParentSlot, RawPayload, State};
use crate::event_set::EventSet;
use crate::layout::{Keys, Level, Role, WireVersion};

/// Decodes the header and returns it; the event is left in `state.event`,
/// where the caller takes it, so the event (as large as the set's largest
/// payload) is not moved through every layer of the parser on its way out.
pub(super) fn decode<'de, H, E, R, P, D>(state: &mut State<'de, E, R, P>, deserializer: D) -> Result<H, D::Error>
where
    H: Deserialize<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(RootVisitor {
        state,
        header: PhantomData,
    })
}

pub(super) struct RootVisitor<'s, 'de, H, E, R, P> {
    pub(super) state: &'s mut State<'de, E, R, P>,
    pub(super) header: PhantomData<H>,
}

impl<'de, H, E, R, P> Visitor<'de> for RootVisitor<'_, 'de, H, E, R, P>
where
    H: Deserialize<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    type Value = H;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<H, A::Error> {
        let state = self.state;
        let header = if P::SOLE {
            read_sole_parent(state, map)?;
            // The header's part besides the parent: no fields.
            H::deserialize(de::value::MapDeserializer::<_, A::Error>::new(std::iter::empty::<((), ())>()))?
        } else {
            H::deserialize(de::value::MapAccessDeserializer::new(Intercept {
                map,
                keys: state.layout.keys(P::WIRE),
                state: &mut *state,
                level: Level::Root,
                nested_next: false,
            }))?
        };
        let layout = state.layout;
        if state.event_type.is_none() {
            state.failure = Some(Failure::MissingField(layout.type_path));
            return Err(de::Error::missing_field(layout.type_path[layout.type_path.len() - 1]));
        }
        if state.version.is_none() && !layout.version_path.is_empty() {
            state.failure = Some(Failure::MissingField(layout.version_path));
            return Err(de::Error::missing_field(
                layout.version_path[layout.version_path.len() - 1],
            ));
        }
        if state.event.is_none() {
            let Some(raw) = state.raw_payload.take() else {
                return Err(de::Error::missing_field(layout.payload_key));
            };
            let routed = raw.route_into(state);
            state.raw_payload = Some(raw);
            routed.map_err(de::Error::custom)?;
        }
        Ok(header)
    }
}

/// The root of an envelope whose header is only the nested parent: that
/// object (decoded whole) and the payload. Any other key, or the payload
/// twice, is an error here, left to the generic decode to decide and explain.
pub(super) fn read_sole_parent<'de, A, E, R, P>(state: &mut State<'de, E, R, P>, mut map: A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    let (parent, payload) = (state.layout.nested_parent(), state.layout.payload_key);
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        if parent == Some(&*key) {
            state.read_wire_parent(&mut map)?;
        } else if key == payload && state.event.is_none() && state.raw_payload.is_none() {
            state.read_payload(&mut map)?;
        } else {
            return Err(de::Error::custom(format_args!("`{key}` is not read on the sole-parent path")));
        }
    }
    Ok(())
}

/// A map access that takes the type, version and payload keys out of the
/// stream and hands every other key to the header's own visitor.
pub(super) struct Intercept<'s, 'de, A, E, R, P> {
    pub(super) map: A,
    pub(super) keys: Keys,
    pub(super) state: &'s mut State<'de, E, R, P>,
    pub(super) level: Level,
    pub(super) nested_next: bool,
}

impl<'de, A, E, R, P> MapAccess<'de> for Intercept<'_, 'de, A, E, R, P>
where
    A: MapAccess<'de>,
    E: EventSet,
    R: RawPayload<'de>,
    P: ParentSlot<'de>,
{
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut seed = seed;
        loop {
            let keyed = self.map.next_key_seed(RoleSeed { keys: self.keys, level: self.level, seed })?;
            let role = match keyed {
                None => return Ok(None),
                Some(Keyed::Header(key)) => return Ok(Some(key)),
                Some(Keyed::NestedParent(key)) => {
                    self.nested_next = true;
                    return Ok(Some(key));
                }
                Some(Keyed::Ours(role, unused)) => {
                    seed = unused;
                    role
                }
            };
            match role {
                Role::Type => {
                    let Key(event_type) = self.map.next_value::<Key<'de>>()?;
                    self.state.take_type(event_type).map_err(de::Error::custom)?;
                }
                Role::Version => {
                    let WireVersion(version) = self.map.next_value()?;
                    self.state.take_version(version).map_err(de::Error::custom)?;
                }
                Role::Payload => self.state.read_payload(&mut self.map)?,
                Role::WireParent => self.state.read_wire_parent(&mut self.map)?,
                Role::NestedParent | Role::Other => unreachable!("handed to the header above"),
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if std::mem::take(&mut self.nested_next) {
            self.map.next_value_seed(NestedSeed {
                seed,
                state: &mut *self.state,
            })
        } else {
            // The header's own values: structs from objects only.
            self.map.next_value_seed(super::objects_only::WrapSeed(seed))
        }
    }
}

/// Wraps the value of the nested parent key (e.g. `meta`) so that its own map
/// access is intercepted too.
pub(super) struct NestedSeed<'s, 'de, S, E, R, P> {
    pub(super) seed: S,
    pub(super) state: &'s mut State<'de, E, R, P>,
}

impl<'de, S: DeserializeSeed<'de>, E: EventSet, R: RawPayload<'de>, P: ParentSlot<'de>> DeserializeSeed<'de> for NestedSeed<'_, 'de, S, E, R, P> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(NestedDeserializer {
            inner: deserializer,
            state: self.state,
        })
    }
}

pub(super) struct NestedDeserializer<'s, 'de, D, E, R, P> {
    pub(super) inner: D,
    pub(super) state: &'s mut State<'de, E, R, P>,
}

impl<'de, D: Deserializer<'de>, E: EventSet, R: RawPayload<'de>, P: ParentSlot<'de>> Deserializer<'de> for NestedDeserializer<'_, 'de, D, E, R, P> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(NestedVisitor {
            visitor,
            state: self.state,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

pub(super) struct NestedVisitor<'s, 'de, V, E, R, P> {
    pub(super) visitor: V,
    pub(super) state: &'s mut State<'de, E, R, P>,
}

impl<'de, V: Visitor<'de>, E: EventSet, R: RawPayload<'de>, P: ParentSlot<'de>> Visitor<'de> for NestedVisitor<'_, 'de, V, E, R, P> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Intercept {
            map,
            keys: self.state.layout.keys(P::WIRE),
            state: self.state,
            level: Level::Nested,
            nested_next: false,
        })
    }
}

/// An object key or string value, borrowed from the input where it has no
/// escapes.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a key and sorts it in one step: the header's keys go straight to
/// the header's own key seed (no copy, no second look), ours come back
/// with the seed unused.
pub(super) struct RoleSeed<K> {
    pub(super) keys: Keys,
    pub(super) level: Level,
    pub(super) seed: K,
}

pub(super) enum Keyed<K, V> {
    /// A key of the header, as its seed made it.
    Header(V),
    /// The header's key that holds the nested type and version.
    NestedParent(V),
    /// Type, version or payload, with the seed for the next key.
    Ours(Role, K),
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for RoleSeed<K> {
    type Value = Keyed<K, K::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<K> RoleSeed<K> {
    pub(super) fn sort<'de, E: de::Error>(self, key: &str, header_key: impl FnOnce(K) -> Result<K::Value, E>) -> Result<Keyed<K, K::Value>, E>
    where
        K: DeserializeSeed<'de>,
    {
        match self.keys.role(self.level, key) {
            Role::Other => header_key(self.seed).map(Keyed::Header),
            Role::NestedParent => header_key(self.seed).map(Keyed::NestedParent),
            role => Ok(Keyed::Ours(role, self.seed)),
        }
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for RoleSeed<K> {
    type Value = Keyed<K, K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        self.sort(key, |seed| seed.deserialize(de::value::BorrowedStrDeserializer::new(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        self.sort(key, |seed| seed.deserialize(de::value::StrDeserializer::new(key)))
    }
}
