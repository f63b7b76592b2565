"""The names DTM files give our columns, in Spanish and Portuguese.

Headers are compared by `lib.headers.header_key` (case, accents, spaces and underscores,
bracketed hints and small words do not matter), so 'Punto de monitoreo', 'punto_monitoreo'
and 'Ponto de monitoramento' are all `point`. Breakdown columns keep their code after a
translated prefix: 'nacionalidad_VE' and 'nacionalidade_VE' are `nationality_VE`.
"""

from __future__ import annotations

from caminantes.lib.headers import header_key

_SEX_AGE = {
    f"{sex}_{age}": (f"{es}_{age}", f"{pt}_{age}")
    for sex, es, pt in (("female", "mujeres", "mulheres"), ("male", "hombres", "homens"))
    for age in ("0_5", "6_17", "18_59", "60_plus")
}
# field -> other names (Spanish, Portuguese, and the ones seen in partners' files)
ALIASES: dict[str, tuple[str, ...]] = {
    "point": ("punto", "punto de monitoreo", "punto_monitoreo", "ponto",
              "ponto de monitoramento", "punto de control", "ponto de controle"),
    "date": ("fecha", "data", "fecha de conteo", "data da contagem"),
    "shift_start": ("inicio del turno", "hora de inicio", "inicio turno", "inicio do turno",
                    "hora inicio"),
    "shift_end": ("fin del turno", "hora de fin", "fin turno", "fim do turno", "hora fim",
                  "hora final"),
    "direction": ("sentido", "direccion del flujo", "sentido do fluxo", "direcao"),
    "individuals": ("personas", "individuos", "total personas", "pessoas", "total de pessoas",
                    "total individuos"),
    "groups": ("grupos", "numero de grupos"),
    "unaccompanied_children": ("ninos no acompanados", "nna no acompanados",
                               "criancas desacompanhadas", "menores no acompanados"),
    "households": ("hogares", "familias", "numero de hogares", "numero de familias"),
    "round": ("ronda", "rodada"),
    "admin_area": ("area", "area administrativa", "municipio", "unidad administrativa"),
    "site": ("sitio", "sitio colectivo", "albergue", "abrigo", "alojamiento colectivo"),
    "capacity": ("capacidad", "capacidade"),
    "services": ("servicios", "servicos"),
    "notes": ("notas", "observaciones", "observacoes"),
    "key_informants": ("informantes clave", "informantes chave"),
    "consent": ("consentimiento", "consentimento", "consentimiento informado",
                "consentimento informado", "acepta la entrevista", "aceita a entrevista"),
    "nationality": ("nacionalidad", "nacionalidade"),
    "sex": ("sexo", "genero"),
    "age": ("edad", "idade"),
    "marital_status": ("estado civil",),
    "education": ("educacion", "nivel educativo", "escolaridad", "educacao", "escolaridade"),
    "employment_before": ("empleo antes", "ocupacion antes", "trabalho antes",
                          "emprego antes"),
    "employment_now": ("empleo actual", "ocupacion actual", "trabalho atual", "emprego atual"),
    "origin_country": ("pais de origen", "pais de origem"),
    "origin_admin1": ("estado de origen", "departamento de origen", "estado de origem"),
    "departure_date": ("fecha de salida", "data de saida"),
    "group_size": ("tamano del grupo", "personas en el grupo", "tamanho do grupo",
                   "pessoas no grupo"),
    "children_in_group": ("ninos en el grupo", "criancas no grupo"),
    "days_in_transit": ("dias en transito", "dias em transito"),
    "main_transport": ("transporte principal", "medio de transporte"),
    "travel_cost_usd": ("costo del viaje usd", "custo da viagem usd", "costo del viaje"),
    "destination_country": ("pais de destino",),
    "destination_admin1": ("estado de destino", "departamento de destino"),
    "other_reason": ("otra razon", "outro motivo", "otro motivo"),
    "other_need": ("otra necesidad", "outra necessidade"),
    "comments": ("comentarios",),
    "children_left_behind": ("hijos que se quedaron", "filhos que ficaram"),
    "intends_to_stay": ("piensa quedarse", "pretende ficar"),
    "regular_entry": ("ingreso regular", "entrada regular"),
    "asylum_sought": ("solicito asilo", "solicitou refugio", "pidio refugio"),
    "health_problem": ("problema de salud", "problema de saude"),
    "sends_remittances": ("envia remesas", "envia remessas"),
    "reasons_leaving": ("razones de salida", "motivos de salida", "motivos da saida"),
    "needs": ("necesidades", "necessidades"),
    "documents": ("documentos",),
    "incidents": ("incidentes",),
    "transit_countries": ("paises de transito", "paises de transito"),
    "transport_modes": ("medios de transporte", "meios de transporte"),
    **_SEX_AGE,
}  # fmt: skip
# Breakdown prefixes: the file's word -> ours; what follows is a code and keeps its case.
PREFIXES = {
    "nacionalidad_": "nationality_", "nacionalidade_": "nationality_",
    "transporte_": "transport_", "destino_": "destination_", "origen_": "origin_",
    "origem_": "origin_", "llegada_": "arrival_", "chegada_": "arrival_",
    "alojamiento_": "shelter_", "alojamento_": "shelter_", "necesidad_": "need_",
    "necessidade_": "need_",
}  # fmt: skip


def field_keys(fields: set[str]) -> dict[str, str]:
    """Header key -> field, for the fields of one kind of file."""
    keys = {header_key(f): f for f in fields}
    for name, aliases in ALIASES.items():
        if name in fields:
            for alias in aliases:
                keys.setdefault(header_key(alias), name)
    return keys


def breakdown(text: str, prefixes: tuple[str, ...]) -> str | None:
    """'nationality_VE', 'nacionalidad_VE' -> 'nationality_VE' when the kind has that prefix."""
    low = text.lower()
    for theirs, ours in PREFIXES.items():
        if low.startswith(theirs) and len(text) > len(theirs):
            text, low = ours + text[len(theirs) :], (ours + text[len(theirs) :]).lower()
            break
    return text if any(low.startswith(p) for p in prefixes) else None
