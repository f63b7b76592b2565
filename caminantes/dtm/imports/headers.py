"""The names DTM files give our columns, in Spanish and Portuguese.

Headers are compared by `lib.headers.header_key` (case, accents, spaces and underscores,
bracketed hints and small words do not matter), so 'Punto de monitoreo', 'punto_monitoreo'
and 'Ponto de monitoramento' are all `point`. Breakdown columns keep their code after a
translated prefix: 'nacionalidad_VE' and 'nacionalidade_VE' are `nationality_VE`.
"""

from __future__ import annotations

from caminantes.lib.headers import header_key

_SEX_AGE = {
    f"{sex}_{code}": (f"{es} {label}", f"{pt} {label}")
    for sex, es, pt in (("female", "Mujeres", "Mulheres"), ("male", "Hombres", "Homens"))
    for code, label in (("0_5", "0-5"), ("6_17", "6-17"), ("18_59", "18-59"), ("60_plus", "60+"))
}
# field -> the Spanish and Portuguese names (shown on the page), then others seen in files
ALIASES: dict[str, tuple[str, ...]] = {
    "point": ("Punto de monitoreo", "Ponto de monitoramento", "punto", "ponto",
              "punto de control", "ponto de controle"),
    "date": ("Fecha", "Data", "fecha de conteo", "data da contagem"),
    "shift_start": ("Inicio del turno", "Início do turno", "hora de inicio", "hora inicio"),
    "shift_end": ("Fin del turno", "Fim do turno", "hora de fin", "hora fim", "hora final"),
    "direction": ("Sentido", "Sentido do fluxo", "dirección del flujo", "direção"),
    "flow_type": ("Tipo de flujo", "Tipo de fluxo", "tipo de movimiento", "tipo de movimento",
                  "flow type", "tipología del flujo"),
    "individuals": ("Personas", "Pessoas", "individuos", "total personas", "total de pessoas",
                    "total individuos"),
    "groups": ("Grupos", "Número de grupos"),
    "unaccompanied_children": ("NNA no acompañados", "Crianças desacompanhadas",
                               "niños no acompañados", "menores no acompañados"),
    "households": ("Hogares", "Famílias", "familias", "número de hogares"),
    "round": ("Ronda", "Rodada"),
    "admin_area": ("Área", "Área administrativa", "municipio", "unidad administrativa"),
    "site": ("Sitio colectivo", "Abrigo", "sitio", "albergue", "alojamiento colectivo"),
    "capacity": ("Capacidad", "Capacidade"),
    "services": ("Servicios", "Serviços"),
    "notes": ("Observaciones", "Observações", "notas"),
    "key_informants": ("Informantes clave", "Informantes-chave"),
    "consent": ("Consentimiento", "Consentimento", "consentimiento informado",
                "consentimento informado", "acepta la entrevista", "aceita a entrevista"),
    "nationality": ("Nacionalidad", "Nacionalidade"),
    "sex": ("Sexo", "Sexo", "género"),
    "age": ("Edad", "Idade"),
    "marital_status": ("Estado civil", "Estado civil"),
    "education": ("Nivel educativo", "Escolaridade", "educación", "escolaridad", "educação"),
    "employment_before": ("Empleo antes", "Trabalho antes", "ocupación antes",
                          "emprego antes"),
    "employment_now": ("Empleo actual", "Trabalho atual", "ocupación actual", "emprego atual"),
    "origin_country": ("País de origen", "País de origem"),
    "origin_admin1": ("Estado de origen", "Estado de origem", "departamento de origen"),
    "departure_date": ("Fecha de salida", "Data de saída"),
    "group_size": ("Tamaño del grupo", "Tamanho do grupo", "personas en el grupo",
                   "pessoas no grupo"),
    "children_in_group": ("Niños en el grupo", "Crianças no grupo"),
    "days_in_transit": ("Días en tránsito", "Dias em trânsito"),
    "main_transport": ("Transporte principal", "Transporte principal", "medio de transporte"),
    "travel_cost_usd": ("Costo del viaje USD", "Custo da viagem USD", "costo del viaje"),
    "destination_country": ("País de destino", "País de destino"),
    "destination_admin1": ("Estado de destino", "Estado de destino", "departamento de destino"),
    "other_reason": ("Otro motivo", "Outro motivo", "otra razón"),
    "other_need": ("Otra necesidad", "Outra necessidade"),
    "comments": ("Comentarios", "Comentários"),
    "children_left_behind": ("Hijos que se quedaron", "Filhos que ficaram"),
    "intends_to_stay": ("Piensa quedarse", "Pretende ficar"),
    "regular_entry": ("Ingreso regular", "Entrada regular"),
    "asylum_sought": ("Solicitó refugio", "Solicitou refúgio", "solicitó asilo", "pidió refugio"),
    "health_problem": ("Problema de salud", "Problema de saúde"),
    "sends_remittances": ("Envía remesas", "Envia remessas"),
    "reasons_leaving": ("Motivos de salida", "Motivos da saída", "razones de salida"),
    "needs": ("Necesidades", "Necessidades"),
    "documents": ("Documentos", "Documentos"),
    "incidents": ("Incidentes", "Incidentes"),
    "transit_countries": ("Países de tránsito", "Países de trânsito"),
    "transport_modes": ("Medios de transporte", "Meios de transporte"),
    "pregnant_lactating": ("Gestantes y lactantes", "Gestantes e lactantes",
                           "mujeres gestantes o lactantes", "embarazadas o lactantes"),
    "with_disabilities": ("Personas con discapacidad", "Pessoas com deficiência",
                          "discapacidad"),
    "pregnant": ("Gestante o lactante", "Gestante ou lactante", "embarazada"),
    "legal_status": ("Estatus migratorio", "Situação migratória", "situación migratoria",
                     "estatus en el país"),
    "slept_last_night": ("Dónde durmió anoche", "Onde dormiu ontem", "durmió anoche"),
    "intention": ("Intención", "Intenção"),
    "intention_country": ("País al que sigue", "País para onde segue"),
    "wg_seeing": ("Dificultad para ver", "Dificuldade para enxergar"),
    "wg_hearing": ("Dificultad para oír", "Dificuldade para ouvir"),
    "wg_walking": ("Dificultad para caminar", "Dificuldade para caminhar"),
    "wg_remembering": ("Dificultad para recordar", "Dificuldade para lembrar"),
    "wg_selfcare": ("Dificultad para el cuidado personal", "Dificuldade com o autocuidado"),
    "wg_communicating": ("Dificultad para comunicarse", "Dificuldade para se comunicar"),
    **_SEX_AGE,
    **{f"group_{k}": (f"Grupo {es}", f"Grupo {pt}") for k, (es, pt) in _SEX_AGE.items()},
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
