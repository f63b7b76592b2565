"""The common non-food items and food of the response, and the kits made of them.

Kept inline (not imported from the app) so that this step stays what it was when it ran.
Idempotent: an item or kit whose code exists is left as it is.
"""

from django.db import migrations

# code, category, unit, perishable, (es, pt, en)
ITEMS = [
    ("soap-bar", "hygiene", "piece", False, ("Jabón de baño", "Sabonete", "Bath soap")),
    ("toothbrush", "hygiene", "piece", False, ("Cepillo de dientes", "Escova de dentes", "Toothbrush")),
    ("toothpaste", "hygiene", "piece", False, ("Crema dental", "Pasta de dentes", "Toothpaste")),
    ("sanitary-pads", "hygiene", "pack", False, ("Toallas higiénicas", "Absorventes", "Sanitary pads")),
    ("underwear", "hygiene", "piece", False, ("Ropa interior", "Roupa íntima", "Underwear")),
    ("torch", "household", "piece", False, ("Linterna", "Lanterna", "Torch")),
    ("kitchen-set", "household", "kit", False, ("Set de cocina", "Kit de cozinha", "Kitchen set")),
    ("blanket", "shelter", "piece", False, ("Cobija", "Cobertor", "Blanket")),
    ("mattress", "shelter", "piece", False, ("Colchoneta", "Colchonete", "Mattress")),
    ("mosquito-net", "shelter", "piece", False, ("Mosquitero", "Mosquiteiro", "Mosquito net")),
    ("jerrycan", "wash", "piece", False, ("Bidón de agua 20 l", "Galão de água 20 l", "Jerrycan 20 l")),
    ("diapers", "child", "pack", False, ("Pañales", "Fraldas", "Diapers")),
    ("baby-wipes", "child", "pack", False, ("Toallitas húmedas", "Lenços umedecidos", "Baby wipes")),
    ("rice", "food", "kg", True, ("Arroz", "Arroz", "Rice")),
    ("beans", "food", "kg", True, ("Fríjoles", "Feijão", "Beans")),
    ("cooking-oil", "food", "litre", True, ("Aceite", "Óleo de cozinha", "Cooking oil")),
    ("pasta", "food", "kg", True, ("Pasta", "Macarrão", "Pasta")),
    ("tuna-can", "food", "piece", True, ("Atún en lata", "Atum em lata", "Canned tuna")),
]

# code, (es, pt, en), [(item code, quantity)]
KITS = [
    ("hygiene-kit", ("Kit de higiene familiar", "Kit de higiene familiar", "Family hygiene kit"),
     [("soap-bar", 4), ("toothbrush", 4), ("toothpaste", 2), ("sanitary-pads", 2)]),
    ("dignity-kit", ("Kit de dignidad", "Kit de dignidade", "Dignity kit"),
     [("sanitary-pads", 3), ("underwear", 3), ("soap-bar", 2), ("torch", 1)]),
    ("baby-kit", ("Kit de bebé", "Kit de bebê", "Baby kit"),
     [("diapers", 2), ("baby-wipes", 2), ("soap-bar", 1), ("blanket", 1)]),
    ("shelter-kit", ("Kit de abrigo", "Kit de abrigo", "Shelter kit"),
     [("blanket", 2), ("mattress", 1), ("mosquito-net", 1)]),
    ("kitchen-kit", ("Kit de cocina", "Kit de cozinha", "Kitchen kit"),
     [("kitchen-set", 1), ("jerrycan", 1)]),
    ("food-kit", ("Kit de alimentos (familia, 15 días)", "Cesta de alimentos (família, 15 dias)",
                  "Food kit (family, 15 days)"),
     [("rice", 10), ("beans", 5), ("cooking-oil", 2), ("pasta", 3), ("tuna-can", 6)]),
]


def seed(apps, schema_editor):
    Item = apps.get_model("assistance", "Item")
    Kit = apps.get_model("assistance", "Kit")
    KitLine = apps.get_model("assistance", "KitLine")
    items = {}
    for code, category, unit, perishable, (es, pt, en) in ITEMS:
        items[code], _ = Item.objects.get_or_create(
            code=code,
            defaults={"category": category, "unit": unit, "perishable": perishable,
                      "name_es": es, "name_pt": pt, "name_en": en},
        )
    for code, (es, pt, en), lines in KITS:
        kit, created = Kit.objects.get_or_create(
            code=code, defaults={"name_es": es, "name_pt": pt, "name_en": en}
        )
        if created:
            KitLine.objects.bulk_create(
                KitLine(kit=kit, item=items[item], quantity=n) for item, n in lines
            )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_catalogue_warehouses_ledger_deliveries")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
