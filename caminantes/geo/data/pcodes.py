"""OCHA admin1 P-codes by ISO 3166-2 code.

An OCHA admin1 P-code is the ISO 3166-1 alpha-2 code followed by the national statistics
office's code for the area. Only codes we are sure of are listed: a wrong P-code silently
joins the wrong data, an empty one merely fails to join. Countries absent here (Argentina,
Chile, Costa Rica, the Dominican Republic, Guyana, Mexico, Panama, Paraguay, Trinidad and
Tobago, Uruguay; Aruba and Curaçao have no admin1) keep the P-code empty until someone
checks them against the published COD-AB gazetteer.
"""

from __future__ import annotations

ADMIN1_PCODES: dict[str, str] = {
    # Bolivia: INE department codes (the COD-AB also has an extra BO00 for lakes and salt flats).
    "BO-H": "BO01",  # Chuquisaca
    "BO-L": "BO02",  # La Paz
    "BO-C": "BO03",  # Cochabamba
    "BO-O": "BO04",  # Oruro
    "BO-P": "BO05",  # Potosí
    "BO-T": "BO06",  # Tarija
    "BO-S": "BO07",  # Santa Cruz
    "BO-B": "BO08",  # Beni
    "BO-N": "BO09",  # Pando
    # Brazil: IBGE state codes.
    "BR-RO": "BR11",
    "BR-AC": "BR12",
    "BR-AM": "BR13",
    "BR-RR": "BR14",
    "BR-PA": "BR15",
    "BR-AP": "BR16",
    "BR-TO": "BR17",
    "BR-MA": "BR21",
    "BR-PI": "BR22",
    "BR-CE": "BR23",
    "BR-RN": "BR24",
    "BR-PB": "BR25",
    "BR-PE": "BR26",
    "BR-AL": "BR27",
    "BR-SE": "BR28",
    "BR-BA": "BR29",
    "BR-MG": "BR31",
    "BR-ES": "BR32",
    "BR-RJ": "BR33",
    "BR-SP": "BR35",
    "BR-PR": "BR41",
    "BR-SC": "BR42",
    "BR-RS": "BR43",
    "BR-MS": "BR50",
    "BR-MT": "BR51",
    "BR-GO": "BR52",
    "BR-DF": "BR53",
    # Colombia: DANE department codes (DIVIPOLA).
    "CO-ANT": "CO05",
    "CO-ATL": "CO08",
    "CO-DC": "CO11",
    "CO-BOL": "CO13",
    "CO-BOY": "CO15",
    "CO-CAL": "CO17",
    "CO-CAQ": "CO18",
    "CO-CAU": "CO19",
    "CO-CES": "CO20",
    "CO-COR": "CO23",
    "CO-CUN": "CO25",
    "CO-CHO": "CO27",
    "CO-HUI": "CO41",
    "CO-LAG": "CO44",
    "CO-MAG": "CO47",
    "CO-MET": "CO50",
    "CO-NAR": "CO52",
    "CO-NSA": "CO54",
    "CO-QUI": "CO63",
    "CO-RIS": "CO66",
    "CO-SAN": "CO68",
    "CO-SUC": "CO70",
    "CO-TOL": "CO73",
    "CO-VAC": "CO76",
    "CO-ARA": "CO81",
    "CO-CAS": "CO85",
    "CO-PUT": "CO86",
    "CO-SAP": "CO88",
    "CO-AMA": "CO91",
    "CO-GUA": "CO94",
    "CO-GUV": "CO95",
    "CO-VAU": "CO97",
    "CO-VID": "CO99",
    # Ecuador: INEC province codes.
    "EC-A": "EC01",  # Azuay
    "EC-B": "EC02",  # Bolívar
    "EC-F": "EC03",  # Cañar
    "EC-C": "EC04",  # Carchi
    "EC-X": "EC05",  # Cotopaxi
    "EC-H": "EC06",  # Chimborazo
    "EC-O": "EC07",  # El Oro
    "EC-E": "EC08",  # Esmeraldas
    "EC-G": "EC09",  # Guayas
    "EC-I": "EC10",  # Imbabura
    "EC-L": "EC11",  # Loja
    "EC-R": "EC12",  # Los Ríos
    "EC-M": "EC13",  # Manabí
    "EC-S": "EC14",  # Morona Santiago
    "EC-N": "EC15",  # Napo
    "EC-Y": "EC16",  # Pastaza
    "EC-P": "EC17",  # Pichincha
    "EC-T": "EC18",  # Tungurahua
    "EC-Z": "EC19",  # Zamora Chinchipe
    "EC-W": "EC20",  # Galápagos
    "EC-U": "EC21",  # Sucumbíos
    "EC-D": "EC22",  # Orellana
    "EC-SD": "EC23",  # Santo Domingo de los Tsáchilas
    "EC-SE": "EC24",  # Santa Elena
    # Peru: INEI UBIGEO department codes. PE15 is the whole department of Lima, which the
    # loader keeps as the one area PE-LIM (see services._admin1_subdivisions).
    "PE-AMA": "PE01",
    "PE-ANC": "PE02",
    "PE-APU": "PE03",
    "PE-ARE": "PE04",
    "PE-AYA": "PE05",
    "PE-CAJ": "PE06",
    "PE-CAL": "PE07",
    "PE-CUS": "PE08",
    "PE-HUV": "PE09",
    "PE-HUC": "PE10",
    "PE-ICA": "PE11",
    "PE-JUN": "PE12",
    "PE-LAL": "PE13",
    "PE-LAM": "PE14",
    "PE-LIM": "PE15",
    "PE-LOR": "PE16",
    "PE-MDD": "PE17",
    "PE-MOQ": "PE18",
    "PE-PAS": "PE19",
    "PE-PIU": "PE20",
    "PE-PUN": "PE21",
    "PE-SAM": "PE22",
    "PE-TAC": "PE23",
    "PE-TUM": "PE24",
    "PE-UCA": "PE25",
    # Venezuela: INE state codes, Distrito Capital first, then the states in alphabetical
    # order as they stood before Vargas (now La Guaira) was created. The Dependencias
    # Federales (VE-W) have no admin1 P-code in the COD-AB and stay empty.
    "VE-A": "VE01",  # Distrito Capital
    "VE-Z": "VE02",  # Amazonas
    "VE-B": "VE03",  # Anzoátegui
    "VE-C": "VE04",  # Apure
    "VE-D": "VE05",  # Aragua
    "VE-E": "VE06",  # Barinas
    "VE-F": "VE07",  # Bolívar
    "VE-G": "VE08",  # Carabobo
    "VE-H": "VE09",  # Cojedes
    "VE-Y": "VE10",  # Delta Amacuro
    "VE-I": "VE11",  # Falcón
    "VE-J": "VE12",  # Guárico
    "VE-K": "VE13",  # Lara
    "VE-L": "VE14",  # Mérida
    "VE-M": "VE15",  # Miranda
    "VE-N": "VE16",  # Monagas
    "VE-O": "VE17",  # Nueva Esparta
    "VE-P": "VE18",  # Portuguesa
    "VE-R": "VE19",  # Sucre
    "VE-S": "VE20",  # Táchira
    "VE-T": "VE21",  # Trujillo
    "VE-U": "VE22",  # Yaracuy
    "VE-V": "VE23",  # Zulia
    "VE-X": "VE24",  # La Guaira (Vargas)
}
