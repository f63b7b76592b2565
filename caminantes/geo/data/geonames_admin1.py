"""GeoNames admin1 codes -> ISO 3166-2, for the countries Caminantes loads.

GeoNames keys admin1 areas by codes of its own (mostly the retired FIPS 10-4 numbers), not by
ISO 3166-2. Each row below was checked against the largest towns GeoNames files under that
code (the comment names one). A code missing here leaves the town's admin area empty.
Aruba and Curaçao have no admin1 areas.
"""

from __future__ import annotations

GEONAMES_ADMIN1: dict[str, dict[str, str]] = {
    "AR": {
        "01": "AR-B",  # Mar del Plata, Bahía Blanca
        "02": "AR-K",  # Catamarca
        "03": "AR-H",  # Resistencia
        "04": "AR-U",  # Comodoro Rivadavia
        "05": "AR-X",  # Córdoba
        "06": "AR-W",  # Corrientes
        "07": "AR-C",  # Buenos Aires (city)
        "08": "AR-E",  # Paraná
        "09": "AR-P",  # Formosa
        "10": "AR-Y",  # San Salvador de Jujuy
        "11": "AR-L",  # Santa Rosa
        "12": "AR-F",  # La Rioja
        "13": "AR-M",  # Mendoza
        "14": "AR-N",  # Posadas
        "15": "AR-Q",  # Neuquén
        "16": "AR-R",  # Viedma
        "17": "AR-A",  # Salta
        "18": "AR-J",  # San Juan
        "19": "AR-D",  # San Luis
        "20": "AR-Z",  # Río Gallegos
        "21": "AR-S",  # Rosario, Santa Fe
        "22": "AR-G",  # Santiago del Estero
        "23": "AR-V",  # Ushuaia
        "24": "AR-T",  # San Miguel de Tucumán
    },
    "BO": {
        "01": "BO-H",  # Sucre
        "02": "BO-C",  # Cochabamba
        "03": "BO-B",  # Trinidad, Riberalta
        "04": "BO-L",  # La Paz
        "05": "BO-O",  # Oruro
        "06": "BO-N",  # Cobija
        "07": "BO-P",  # Potosí
        "08": "BO-S",  # Santa Cruz de la Sierra
        "09": "BO-T",  # Tarija
    },
    "BR": {
        "01": "BR-AC",  # Rio Branco
        "02": "BR-AL",  # Maceió
        "03": "BR-AP",  # Macapá
        "04": "BR-AM",  # Manaus
        "05": "BR-BA",  # Salvador
        "06": "BR-CE",  # Fortaleza
        "07": "BR-DF",  # Brasília
        "08": "BR-ES",  # Vitória
        "11": "BR-MS",  # Campo Grande
        "13": "BR-MA",  # São Luís
        "14": "BR-MT",  # Cuiabá
        "15": "BR-MG",  # Belo Horizonte
        "16": "BR-PA",  # Belém
        "17": "BR-PB",  # João Pessoa
        "18": "BR-PR",  # Curitiba
        "20": "BR-PI",  # Teresina
        "21": "BR-RJ",  # Rio de Janeiro
        "22": "BR-RN",  # Natal
        "23": "BR-RS",  # Porto Alegre
        "24": "BR-RO",  # Porto Velho
        "25": "BR-RR",  # Boa Vista, Pacaraima
        "26": "BR-SC",  # Florianópolis
        "27": "BR-SP",  # São Paulo
        "28": "BR-SE",  # Aracaju
        "29": "BR-GO",  # Goiânia
        "30": "BR-PE",  # Recife
        "31": "BR-TO",  # Palmas
    },
    "CL": {
        "01": "CL-VS",  # Valparaíso
        "02": "CL-AI",  # Coyhaique
        "03": "CL-AN",  # Antofagasta
        "04": "CL-AR",  # Temuco
        "05": "CL-AT",  # Copiapó
        "06": "CL-BI",  # Concepción
        "07": "CL-CO",  # La Serena
        "08": "CL-LI",  # Rancagua
        "10": "CL-MA",  # Punta Arenas
        "11": "CL-ML",  # Talca
        "12": "CL-RM",  # Santiago
        "14": "CL-LL",  # Puerto Montt
        "15": "CL-TA",  # Iquique
        "16": "CL-AP",  # Arica
        "17": "CL-LR",  # Valdivia
        "18": "CL-NB",  # Chillán
    },
    "CO": {
        "01": "CO-AMA",  # Leticia
        "02": "CO-ANT",  # Medellín
        "03": "CO-ARA",  # Arauca
        "04": "CO-ATL",  # Barranquilla
        "08": "CO-CAQ",  # Florencia
        "09": "CO-CAU",  # Popayán
        "10": "CO-CES",  # Valledupar
        "11": "CO-CHO",  # Quibdó
        "12": "CO-COR",  # Montería
        "14": "CO-GUV",  # San José del Guaviare
        "15": "CO-GUA",  # Inírida
        "16": "CO-HUI",  # Neiva
        "17": "CO-LAG",  # Riohacha, Maicao
        "19": "CO-MET",  # Villavicencio
        "20": "CO-NAR",  # Pasto, Ipiales
        "21": "CO-NSA",  # Cúcuta
        "22": "CO-PUT",  # Mocoa
        "23": "CO-QUI",  # Armenia
        "24": "CO-RIS",  # Pereira
        "25": "CO-SAP",  # San Andrés
        "26": "CO-SAN",  # Bucaramanga
        "27": "CO-SUC",  # Sincelejo
        "28": "CO-TOL",  # Ibagué
        "29": "CO-VAC",  # Cali
        "30": "CO-VAU",  # Mitú
        "31": "CO-VID",  # Puerto Carreño
        "32": "CO-CAS",  # Yopal
        "33": "CO-CUN",  # Soacha
        "34": "CO-DC",  # Bogotá
        "35": "CO-BOL",  # Cartagena
        "36": "CO-BOY",  # Tunja
        "37": "CO-CAL",  # Manizales
        "38": "CO-MAG",  # Santa Marta
    },
    "CR": {
        "01": "CR-A",  # Alajuela
        "02": "CR-C",  # Cartago
        "03": "CR-G",  # Liberia
        "04": "CR-H",  # Heredia
        "06": "CR-L",  # Limón
        "07": "CR-P",  # Puntarenas
        "08": "CR-SJ",  # San José
    },
    # The Dominican Republic: provinces (see services._admin1_subdivisions).
    "DO": {
        "01": "DO-02",  # Azua
        "02": "DO-03",  # Neiba (Baoruco)
        "03": "DO-04",  # Santa Cruz de Barahona
        "04": "DO-05",  # Dajabón
        "06": "DO-06",  # San Francisco de Macorís (Duarte)
        "08": "DO-09",  # Moca (Espaillat)
        "09": "DO-10",  # Jimaní (Independencia)
        "10": "DO-11",  # Salvaleón de Higüey (La Altagracia)
        "11": "DO-07",  # Comendador (Elías Piña)
        "12": "DO-12",  # La Romana
        "14": "DO-14",  # Nagua (María Trinidad Sánchez)
        "15": "DO-15",  # San Fernando de Monte Cristi
        "16": "DO-16",  # Pedernales
        "18": "DO-18",  # Puerto Plata
        "19": "DO-19",  # Salcedo (Hermanas Mirabal)
        "20": "DO-20",  # Samaná
        "21": "DO-24",  # Cotuí (Sánchez Ramírez)
        "23": "DO-22",  # San Juan de la Maguana
        "24": "DO-23",  # San Pedro de Macorís
        "25": "DO-25",  # Santiago de los Caballeros
        "26": "DO-26",  # San Ignacio de Sabaneta (Santiago Rodríguez)
        "27": "DO-27",  # Mao (Valverde)
        "28": "DO-08",  # Santa Cruz de El Seibo
        "29": "DO-30",  # Hato Mayor del Rey
        "30": "DO-13",  # La Vega
        "31": "DO-28",  # Bonao (Monseñor Nouel)
        "32": "DO-29",  # Monte Plata
        "33": "DO-21",  # San Cristóbal
        "34": "DO-01",  # Santo Domingo (Distrito Nacional)
        "35": "DO-17",  # Baní (Peravia)
        "36": "DO-31",  # San José de Ocoa
        "37": "DO-32",  # Santo Domingo Este (Santo Domingo province)
    },
    "EC": {
        "01": "EC-W",  # Puerto Ayora
        "02": "EC-A",  # Cuenca
        "03": "EC-B",  # Guaranda
        "04": "EC-F",  # Azogues
        "05": "EC-C",  # Tulcán
        "06": "EC-H",  # Riobamba
        "07": "EC-X",  # Latacunga
        "08": "EC-O",  # Machala, Huaquillas
        "09": "EC-E",  # Esmeraldas
        "10": "EC-G",  # Guayaquil
        "11": "EC-I",  # Ibarra
        "12": "EC-L",  # Loja
        "13": "EC-R",  # Babahoyo
        "14": "EC-M",  # Portoviejo
        "15": "EC-S",  # Macas
        "17": "EC-Y",  # Puyo
        "18": "EC-P",  # Quito
        "19": "EC-T",  # Ambato
        "20": "EC-Z",  # Zamora
        "22": "EC-U",  # Nueva Loja
        "23": "EC-N",  # Tena
        "24": "EC-D",  # Puerto Francisco de Orellana
        "25": "EC-SE",  # Santa Elena, Salinas
        "26": "EC-SD",  # Santo Domingo de los Colorados
    },
    "GY": {
        "10": "GY-BA",  # Mabaruma
        "11": "GY-CU",  # Bartica
        "12": "GY-DE",  # Georgetown
        "13": "GY-EB",  # New Amsterdam
        "14": "GY-ES",  # Vreed-en-Hoop
        "15": "GY-MA",  # Rosignol
        "16": "GY-PM",  # Anna Regina
        "17": "GY-PT",  # Mahdia
        "18": "GY-UD",  # Linden
        "19": "GY-UT",  # Lethem
    },
    # Mexico: GeoNames orders these alphabetically, not by INEGI code (05 is Chiapas).
    "MX": {
        "01": "MX-AGU",  # Aguascalientes
        "02": "MX-BCN",  # Tijuana
        "03": "MX-BCS",  # La Paz
        "04": "MX-CAM",  # Campeche
        "05": "MX-CHP",  # Tuxtla, Tapachula
        "06": "MX-CHH",  # Ciudad Juárez
        "07": "MX-COA",  # Saltillo
        "08": "MX-COL",  # Colima
        "09": "MX-CMX",  # Mexico City
        "10": "MX-DUR",  # Victoria de Durango
        "11": "MX-GUA",  # León de los Aldama
        "12": "MX-GRO",  # Acapulco de Juárez
        "13": "MX-HID",  # Pachuca de Soto
        "14": "MX-JAL",  # Guadalajara
        "15": "MX-MEX",  # Ecatepec de Morelos, Toluca
        "16": "MX-MIC",  # Morelia
        "17": "MX-MOR",  # Cuernavaca
        "18": "MX-NAY",  # Tepic
        "19": "MX-NLE",  # Monterrey
        "20": "MX-OAX",  # Oaxaca
        "21": "MX-PUE",  # Puebla
        "22": "MX-QUE",  # Santiago de Querétaro
        "23": "MX-ROO",  # Cancún
        "24": "MX-SLP",  # San Luis Potosí
        "25": "MX-SIN",  # Culiacán
        "26": "MX-SON",  # Hermosillo
        "27": "MX-TAB",  # Villahermosa
        "28": "MX-TAM",  # Reynosa
        "29": "MX-TLA",  # Tlaxcala
        "30": "MX-VER",  # Veracruz, Xalapa de Enríquez
        "31": "MX-YUC",  # Mérida
        "32": "MX-ZAC",  # Zacatecas
    },
    "PA": {
        "01": "PA-1",  # Changuinola (Bocas del Toro)
        "02": "PA-4",  # David (Chiriquí)
        "03": "PA-2",  # Penonomé (Coclé)
        "04": "PA-3",  # Colón
        "05": "PA-5",  # Metetí, Yaviza (Darién)
        "06": "PA-6",  # Chitré (Herrera)
        "07": "PA-7",  # Las Tablas (Los Santos)
        "08": "PA-8",  # Panama City
        "09": "PA-KY",  # Ustupo, Ailigandí (Guna Yala)
        "10": "PA-9",  # Santiago de Veraguas
        "11": "PA-EM",  # Unión Chocó (Emberá)
        "12": "PA-NB",  # Kankintú (Ngäbe-Buglé)
        "13": "PA-10",  # La Chorrera, Arraiján (Panamá Oeste)
    },
    # Peru: GeoNames files the city of Lima under LMA and the rest of the department under
    # 15; Caminantes keeps one area for the whole department (see services._admin1_subdivisions).
    "PE": {
        "01": "PE-AMA",  # Chachapoyas
        "02": "PE-ANC",  # Chimbote, Huaraz
        "03": "PE-APU",  # Abancay
        "04": "PE-ARE",  # Arequipa
        "05": "PE-AYA",  # Ayacucho
        "06": "PE-CAJ",  # Cajamarca
        "07": "PE-CAL",  # Callao
        "08": "PE-CUS",  # Cusco
        "09": "PE-HUV",  # Huancavelica
        "10": "PE-HUC",  # Huánuco
        "11": "PE-ICA",  # Ica
        "12": "PE-JUN",  # Huancayo
        "13": "PE-LAL",  # Trujillo
        "14": "PE-LAM",  # Chiclayo
        "15": "PE-LIM",  # Santiago de Surco, Huacho
        "LMA": "PE-LIM",  # Lima
        "16": "PE-LOR",  # Iquitos
        "17": "PE-MDD",  # Puerto Maldonado
        "18": "PE-MOQ",  # Moquegua
        "19": "PE-PAS",  # Cerro de Pasco
        "20": "PE-PIU",  # Piura
        "21": "PE-PUN",  # Juliaca, Puno
        "22": "PE-SAM",  # Moyobamba
        "23": "PE-TAC",  # Tacna
        "24": "PE-TUM",  # Tumbes
        "25": "PE-UCA",  # Pucallpa
    },
    "PY": {
        "01": "PY-10",  # Ciudad del Este (Alto Paraná)
        "02": "PY-13",  # Pedro Juan Caballero (Amambay)
        "04": "PY-5",  # Caaguazú
        "05": "PY-6",  # Caazapá
        "06": "PY-11",  # San Lorenzo (Central)
        "07": "PY-1",  # Concepción
        "08": "PY-3",  # Caacupé (Cordillera)
        "10": "PY-4",  # Villarrica (Guairá)
        "11": "PY-7",  # Encarnación (Itapúa)
        "12": "PY-8",  # San Juan Bautista (Misiones)
        "13": "PY-12",  # Pilar (Ñeembucú)
        "15": "PY-9",  # Paraguarí
        "16": "PY-15",  # Villa Hayes (Presidente Hayes)
        "17": "PY-2",  # San Pedro de Ycuamandyyú
        "19": "PY-14",  # Salto del Guairá (Canindeyú)
        "22": "PY-ASU",  # Asunción
        "23": "PY-16",  # Fuerte Olimpo (Alto Paraguay)
        "24": "PY-19",  # Filadelfia (Boquerón)
    },
    # Trinidad and Tobago: GeoNames mixes old numeric codes with the ISO suffixes.
    "TT": {
        "01": "TT-ARI",  # Arima
        "03": "TT-MRC",  # Rio Claro
        "05": "TT-POS",  # Port of Spain
        "10": "TT-SFO",  # San Fernando
        "11": "TT-TOB",  # Scarborough
        "CHA": "TT-CHA",
        "CTT": "TT-CTT",
        "DMN": "TT-DMN",
        "PED": "TT-PED",
        "PRT": "TT-PRT",
        "PTF": "TT-PTF",
        "SGE": "TT-SGE",
        "SIP": "TT-SIP",
        "SJL": "TT-SJL",
        "TUP": "TT-TUP",
    },
    "UY": {
        "01": "UY-AR",  # Artigas
        "02": "UY-CA",  # Canelones
        "03": "UY-CL",  # Melo (Cerro Largo)
        "04": "UY-CO",  # Colonia del Sacramento
        "05": "UY-DU",  # Durazno
        "06": "UY-FS",  # Trinidad (Flores)
        "07": "UY-FD",  # Florida
        "08": "UY-LA",  # Minas (Lavalleja)
        "09": "UY-MA",  # Maldonado
        "10": "UY-MO",  # Montevideo
        "11": "UY-PA",  # Paysandú
        "12": "UY-RN",  # Fray Bentos (Río Negro)
        "13": "UY-RV",  # Rivera
        "14": "UY-RO",  # Rocha
        "15": "UY-SA",  # Salto
        "16": "UY-SJ",  # San José de Mayo
        "17": "UY-SO",  # Mercedes (Soriano)
        "18": "UY-TA",  # Tacuarembó
        "19": "UY-TT",  # Treinta y Tres
    },
    "VE": {
        "01": "VE-Z",  # Puerto Ayacucho (Amazonas)
        "02": "VE-B",  # Barcelona (Anzoátegui)
        "03": "VE-C",  # San Fernando de Apure
        "04": "VE-D",  # Maracay (Aragua)
        "05": "VE-E",  # Barinas
        "06": "VE-F",  # Ciudad Guayana (Bolívar)
        "07": "VE-G",  # Valencia (Carabobo)
        "08": "VE-H",  # San Carlos (Cojedes)
        "09": "VE-Y",  # Tucupita (Delta Amacuro)
        "11": "VE-I",  # Coro (Falcón)
        "12": "VE-J",  # Calabozo (Guárico)
        "13": "VE-K",  # Barquisimeto (Lara)
        "14": "VE-L",  # Mérida
        "15": "VE-M",  # Petare, Los Teques (Miranda)
        "16": "VE-N",  # Maturín (Monagas)
        "17": "VE-O",  # Porlamar (Nueva Esparta)
        "18": "VE-P",  # Acarigua (Portuguesa)
        "19": "VE-R",  # Cumaná (Sucre)
        "20": "VE-S",  # San Cristóbal (Táchira)
        "21": "VE-T",  # Valera (Trujillo)
        "22": "VE-U",  # San Felipe (Yaracuy)
        "23": "VE-V",  # Maracaibo (Zulia)
        "24": "VE-W",  # Los Roques (Dependencias Federales)
        "25": "VE-A",  # Caracas (Distrito Capital)
        "26": "VE-X",  # Catia La Mar (La Guaira)
    },
}
