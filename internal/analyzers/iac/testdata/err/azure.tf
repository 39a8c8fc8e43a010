resource "azurerm_storage_container" "datasets" {
  name                  = "datasets"
  storage_account_id    = azurerm_storage_account.ml.id
  container_access_type = "blob" # want: cloud/bucket-public@high
}

resource "azurerm_storage_container" "models" {
  name                  = "models"
  storage_account_id    = azurerm_storage_account.ml.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "web" {
  name                  = "web"
  storage_account_id    = azurerm_storage_account.ml.id
  container_access_type = "container"
}

resource "azurerm_machine_learning_workspace" "default_network" { # want: exposure/workspace-public-network@medium
  name                    = "credit-mlw"
  location                = "westeurope"
  resource_group_name     = "rg-ml"
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  storage_account_id      = azurerm_storage_account.ml.id

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_machine_learning_workspace" "explicit" {
  name                          = "fraud-mlw"
  location                      = "westeurope"
  resource_group_name           = "rg-ml"
  application_insights_id       = azurerm_application_insights.ml.id
  key_vault_id                  = azurerm_key_vault.ml.id
  storage_account_id            = azurerm_storage_account.ml.id
  public_network_access_enabled = true # want: exposure/workspace-public-network@medium

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_machine_learning_workspace" "private" {
  name                          = "risk-mlw"
  location                      = "westeurope"
  resource_group_name           = "rg-ml"
  application_insights_id       = azurerm_application_insights.ml.id
  key_vault_id                  = azurerm_key_vault.ml.id
  storage_account_id            = azurerm_storage_account.ml.id
  public_network_access_enabled = false

  identity {
    type = "SystemAssigned"
  }
}
