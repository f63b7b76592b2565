"""The border crossing points Caminantes seeds: where people on the move cross.

One record per side where each country's teams work on their own side (Rumichaca);
otherwise the side named in DOMAIN.md. Coordinates are WGS84 decimal degrees to four places
(about 10 m), taken for the control post or the bridge itself rather than the town centre;
treat them as good to a few hundred metres. `country` and `counterpart` are ISO 3166-1
alpha-2 codes; `admin_area` is the ISO 3166-2 code of the admin1 area the point lies in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Crossing:
    slug: str
    name: str
    country: str
    admin_area: str
    latitude: str
    longitude: str
    crossing_type: str  # a Place.CrossingType value
    counterpart: str
    description: str


CROSSINGS: tuple[Crossing, ...] = (
    Crossing(
        slug="co-simon-bolivar",
        name="Puente Internacional Simón Bolívar",
        country="CO",
        admin_area="CO-NSA",
        latitude="7.8203",
        longitude="-72.4517",
        crossing_type="land",
        counterpart="VE",
        description=(
            "Puente sobre el río Táchira entre La Parada (Villa del Rosario, área "
            "metropolitana de Cúcuta) y San Antonio del Táchira; el paso de más flujo."
        ),
    ),
    Crossing(
        slug="co-francisco-de-paula-santander",
        name="Puente Internacional Francisco de Paula Santander",
        country="CO",
        admin_area="CO-NSA",
        latitude="7.9114",
        longitude="-72.4525",
        crossing_type="land",
        counterpart="VE",
        description="Puente sobre el río Táchira entre El Escobal (Cúcuta) y Ureña (Táchira).",
    ),
    Crossing(
        slug="co-paraguachon",
        name="Paraguachón",
        country="CO",
        admin_area="CO-LAG",
        latitude="11.3614",
        longitude="-72.1289",
        crossing_type="land",
        counterpart="VE",
        description=(
            "Paso terrestre en el corregimiento de Paraguachón (Maicao, La Guajira), "
            "frente a Guarero (Zulia)."
        ),
    ),
    Crossing(
        slug="co-rumichaca",
        name="Puente Internacional de Rumichaca (Ipiales)",
        country="CO",
        admin_area="CO-NAR",
        latitude="0.8146",
        longitude="-77.6642",
        crossing_type="land",
        counterpart="EC",
        description=(
            "Lado colombiano del puente de Rumichaca sobre el río Carchi, a la salida de "
            "Ipiales hacia Tulcán."
        ),
    ),
    Crossing(
        slug="ec-rumichaca",
        name="Rumichaca (Tulcán)",
        country="EC",
        admin_area="EC-C",
        latitude="0.8138",
        longitude="-77.6650",
        crossing_type="land",
        counterpart="CO",
        description=(
            "Lado ecuatoriano del puente de Rumichaca (Tulcán, Carchi): control migratorio "
            "de entrada a Ecuador."
        ),
    ),
    Crossing(
        slug="pe-cebaf-tumbes",
        name="CEBAF Tumbes",
        country="PE",
        admin_area="PE-TUM",
        latitude="-3.4960",
        longitude="-80.2530",
        crossing_type="land",
        counterpart="EC",
        description=(
            "Centro Binacional de Atención en Frontera en el lado peruano (Zarumilla, Tumbes), "
            "frente a Huaquillas (El Oro)."
        ),
    ),
    Crossing(
        slug="br-pacaraima",
        name="Pacaraima",
        country="BR",
        admin_area="BR-RR",
        latitude="4.4860",
        longitude="-61.1455",
        crossing_type="land",
        counterpart="VE",
        description=(
            "Puesto fronterizo en la BR-174 en Pacaraima (Roraima), frente a Santa Elena de "
            "Uairén; puerta de entrada de la Operação Acolhida."
        ),
    ),
    Crossing(
        slug="cl-chacalluta",
        name="Complejo Fronterizo Chacalluta",
        country="CL",
        admin_area="CL-AP",
        latitude="-18.3108",
        longitude="-70.3136",
        crossing_type="land",
        counterpart="PE",
        description=(
            "Complejo fronterizo en la Ruta 5 al norte de Arica; del lado peruano le "
            "corresponde Santa Rosa (Tacna)."
        ),
    ),
    Crossing(
        slug="pe-desaguadero",
        name="Desaguadero",
        country="PE",
        admin_area="PE-PUN",
        latitude="-16.5655",
        longitude="-69.0394",
        crossing_type="land",
        counterpart="BO",
        description=(
            "Puente sobre el río Desaguadero entre Desaguadero (Puno) y su homónima "
            "boliviana (La Paz), junto al lago Titicaca."
        ),
    ),
    Crossing(
        slug="co-necocli",
        name="Necoclí",
        country="CO",
        admin_area="CO-ANT",
        latitude="8.4263",
        longitude="-76.7893",
        crossing_type="maritime",
        counterpart="PA",
        description=(
            "Embarque por el golfo de Urabá hacia Acandí y Capurganá, antesala del paso por "
            "el Darién hacia Panamá."
        ),
    ),
)
