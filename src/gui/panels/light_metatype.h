#pragma once
// LightSettings travels in queued signals (light panel, environment box, preview worker): declared
// once, before any moc output instantiates its QMetaTypeId.
#include <QMetaType>

#include "chiaro/light/light.h"

Q_DECLARE_METATYPE(chiaro::core::LightSettings)
