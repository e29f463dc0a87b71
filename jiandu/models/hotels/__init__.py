"""The hotel domain (旅馆业未成年人保护): lodging places that receive minors without asking for the
guardian's contact and the co-occupants' relation or without reporting to the police (两问一报,
《未成年人保护法》第五十七条), from the 旅馆业治安管理信息系统 exports (hotel register, check-ins,
visitors, the 两问一报 records), the household register (guardianship) and police reports."""
