"""Every page address of the supplies app."""

from django.urls import path

from shaodian.supplies import public_views, views, views_market

urlpatterns = [
    path("supplies/", views.supplies_home, name="supplies_home"),
    path("supplies/catalogue/", views.catalogue, name="supplies_catalogue"),
    path("supplies/warehouses/<int:warehouse_id>/", views.warehouse_detail, name="supplies_warehouse"),
    path("supplies/alerts/", views.alerts, name="supplies_alerts"),
    path("supplies/prices/", views_market.price_list, name="supplies_prices"),
    path("supplies/suppliers/", views_market.supplier_list, name="supplies_suppliers"),
    path("supplies/orders/advance/", views_market.order_advance, name="supplies_order_advance"),
    path("supplies/freight/", views_market.freight_list, name="supplies_freight"),
    path("supplies/equipment/", views_market.equipment_gaps, name="supplies_equipment"),
    path("supplies/vehicles/", views_market.vehicle_list, name="supplies_vehicles"),
    path("supplies/vehicles/disinfect/", views_market.vehicle_action, {"kind": "disinfect"}, name="supplies_disinfect"),
    path("supplies/vehicles/driver/", views_market.vehicle_action, {"kind": "driver"}, name="supplies_driver_change"),
    path("supplies/vehicles/check/", views_market.vehicle_action, {"kind": "check"}, name="supplies_health_check"),
    path("supplies/vehicles/drivers/new/", views_market.vehicle_action, {"kind": "driver_new"},
         name="supplies_driver_new"),
    path("supplies/vehicles/drivers/link/", views_market.vehicle_action, {"kind": "link"}, name="supplies_driver_link"),
    path("supplies/vehicles/drivers/whitelist/", views_market.vehicle_action, {"kind": "whitelist"},
         name="supplies_driver_whitelist"),
    path("public/supplies/", public_views.public_supplies, name="public_supplies"),
]
