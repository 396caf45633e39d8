using Deskpool.WebConsole.Access;
using Microsoft.AspNetCore.Components;

namespace Deskpool.WebConsole.Components.Purchase;

/// <summary>
/// What every wizard step gets: the shared draft, the failures about its fields, and a way to say it changed.
/// </summary>
public abstract class StepBase : ComponentBase
{
    [Parameter, EditorRequired]
    public PurchaseDraft Draft { get; set; } = null!;

    [Parameter, EditorRequired]
    public FieldErrors Errors { get; set; } = FieldErrors.None;

    [Parameter]
    public EventCallback Changed { get; set; }

    /// <summary>Applies an edit and lets the wizard check the draft again with the core's rules.</summary>
    protected Task Set(Action change)
    {
        change();
        return Changed.InvokeAsync();
    }
}
