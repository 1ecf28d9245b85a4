"""Work down and whistles up: dispatched tasks, the admission list (准入清单), whistles (吹哨报到), workforce load, notification channels."""
