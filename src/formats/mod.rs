//! File formats exchanged with other ground stations: QGC WPL 110 (.waypoints).
