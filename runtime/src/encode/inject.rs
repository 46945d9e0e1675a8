//! Encoding an envelope: the header serializes itself, and the type,
//! version and payload are written into its struct where the layout says,
//! taken from the event, so a producer cannot mislabel one.

use serde::ser::{self, Impossible, SerializeStruct, Serializer};
use serde::Serialize;

use crate::event_set::EventSet;
use crate::layout::{EnvelopeLayout, Level};

/// Encodes an envelope: the header's fields, with the type, version and
/// payload written where the layout says, taken from the event itself.
pub fn serialize_envelope<H, E, S>(
    layout: &EnvelopeLayout,
    header: &H,
    event: &E,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    H: Serialize,
    E: EventSet,
    S: Serializer,
{
    header.serialize(Inject {
        inner: serializer,
        extras: Extras {
            layout,
            event,
            level: Level::Root,
        },
    })
}

struct Extras<'a, E> {
    layout: &'a EnvelopeLayout,
    event: &'a E,
    level: Level,
}

impl<E> Clone for Extras<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Extras<'_, E> {}

impl<E: EventSet> Extras<'_, E> {
    #[inline]
    fn count(&self) -> usize {
        let at_level = |path: &[&str]| match (self.level, path.len()) {
            (Level::Root, 1) | (Level::Nested, 2) => 1,
            _ => 0,
        };
        at_level(self.layout.type_path)
            + at_level(self.layout.version_path)
            + usize::from(self.level == Level::Root)
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, out: &mut S) -> Result<(), S::Error> {
        let leaf = |path: &'static [&'static str]| match (self.level, path) {
            (Level::Root, [only]) => Some(*only),
            (Level::Nested, [_, leaf]) => Some(*leaf),
            _ => None,
        };
        if let Some(key) = leaf(self.layout.type_path) {
            out.serialize_field(key, self.event.wire_type())?;
        }
        if let Some(key) = leaf(self.layout.version_path) {
            out.serialize_field(key, &self.event.version())?;
        }
        if self.level == Level::Root {
            out.serialize_field(self.layout.payload_key, self.event)?;
        }
        Ok(())
    }
}

/// A serializer that accepts one struct and adds the envelope's fields to it.
struct Inject<'a, S, E> {
    inner: S,
    extras: Extras<'a, E>,
}

/// A value whose struct gets the nested envelope fields added.
struct InjectValue<'a, T: ?Sized, E> {
    value: &'a T,
    extras: Extras<'a, E>,
}

impl<T: ?Sized + Serialize, E: EventSet> Serialize for InjectValue<'_, T, E> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Inject {
            inner: serializer,
            extras: self.extras,
        })
    }
}

struct InjectStruct<'a, S, E> {
    inner: S,
    extras: Extras<'a, E>,
}

impl<S: SerializeStruct, E: EventSet> SerializeStruct for InjectStruct<'_, S, E> {
    type Ok = S::Ok;
    type Error = S::Error;

    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        if self.extras.level == Level::Root && self.extras.layout.nested_parent() == Some(key) {
            let extras = Extras {
                level: Level::Nested,
                ..self.extras
            };
            self.inner.serialize_field(key, &InjectValue { value, extras })
        } else {
            self.inner.serialize_field(key, value)
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    #[inline]
    fn end(mut self) -> Result<S::Ok, S::Error> {
        self.extras.write(&mut self.inner)?;
        self.inner.end()
    }
}

macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("an envelope header must serialize as a struct"))
        })*
    };
}

impl<'a, S: Serializer, E: EventSet> Serializer for Inject<'a, S, E> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = InjectStruct<'a, S::SerializeStruct, E>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    #[inline]
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let inner = self
            .inner
            .serialize_struct(name, len + self.extras.count())?;
        Ok(InjectStruct {
            inner,
            extras: self.extras,
        })
    }

    not_an_object! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Err(ser::Error::custom(
            "an envelope header must serialize as a struct (flattened fields are not supported)",
        ))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(ser::Error::custom("an envelope header must serialize as a struct"))
    }
}

